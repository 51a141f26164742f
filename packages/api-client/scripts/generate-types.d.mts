/** The TypeScript types of an OpenAPI document, as checked in under src/generated/. */
export function generateTypes(doc: unknown): Promise<string>;
