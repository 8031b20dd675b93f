/** Every limit of the inspection in one place. */

/** A description longer than this is `text.oversized`: room to bury instructions a reviewer skims. */
export const DESCRIPTION_MAX_CHARS = 2_000;
/** Any other single string (a schema description, an enum value) longer than this is oversized too. */
export const SCHEMA_STRING_MAX_CHARS = 1_000;
/** Characters of context an excerpt shows on each side of what was found. */
export const EXCERPT_CONTEXT_CHARS = 40;
/** Longest excerpt or decoded text a finding carries (the full text stays in the definition). */
export const FINDING_TEXT_MAX_CHARS = 240;
/** A schema nested deeper, or with more strings, than this is not inspected in full: that is a finding. */
export const SCHEMA_MAX_DEPTH = 32;
export const SCHEMA_MAX_STRINGS = 5_000;
