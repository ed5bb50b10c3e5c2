export {};

/** Values vitest.config.ts provides to the tests (`inject`). */
declare module "vitest" {
  export interface ProvidedContext {
    fuzz: { runs: number; seed: number };
  }
}
