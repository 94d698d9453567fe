/** A value made on first use and shared after: set-up that several tests of a file only read. */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
