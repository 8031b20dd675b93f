/** A config file that cannot be read as any known shape; names the file and every problem. */
export class InventoryError extends Error {
  override readonly name = 'InventoryError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}
