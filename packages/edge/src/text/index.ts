export { blankUnsafe, escapeUnsafe, escapeUnsafeInJson } from './controls.js';
