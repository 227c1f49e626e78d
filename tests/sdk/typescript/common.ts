// What both TypeScript scenarios share: the typed client, and the checks that
// fail a scenario with one line saying what was wrong.

import createClient from "openapi-fetch";
// A type-only import: erased from the output, so nothing is loaded at run time.
import type { components, paths } from "../../../target/sdk/typescript/schema.js";

export type Schemas = components["schemas"];
type Problem = Schemas["Problem"];

export class ScenarioFailed extends Error {}

export function fail(message: string): never {
  throw new ScenarioFailed(message);
}

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

export function step(name: string, line: string): void {
  console.log(`ts      ${name.padEnd(22)} ${line}`);
}

/** The data of a response that had the expected status. */
export function expect<T>(
  result: { data?: T; error?: unknown; response: Response },
  status: number,
  what: string,
): T {
  if (result.response.status !== status || result.data === undefined) {
    fail(`${what}: HTTP ${result.response.status}, expected ${status}: ${JSON.stringify(result.error ?? null).slice(0, 400)}`);
  }
  return result.data;
}

/** The problem document of an error response, checking its media type. */
export function problemOf(result: { error?: Problem; response: Response }, what: string): Problem {
  const type = result.response.headers.get("content-type") ?? "";
  check(type.startsWith("application/problem+json"), `${what}: content type ${JSON.stringify(type)}`);
  check(result.error !== undefined, `${what}: no problem document`);
  return result.error;
}

export const quoted = (version: number): string => `"${version}"`;

/** A client for the JSON operations, with the token. */
export function client(baseUrl: string, token: string) {
  // Only the JSON media types: without this, operations that can also answer
  // text/csv (plan_action_list, ...) type their data as `Paginated_Action | string`.
  return createClient<paths, "application/json" | "application/problem+json">({
    baseUrl,
    headers: { Authorization: `Bearer ${token}` },
  });
}

export type Client = ReturnType<typeof client>;

/** The seq of the last event now in the change feed. */
export async function feedHead(api: Client): Promise<number> {
  let head = 0;
  for (;;) {
    const page = expect(await api.GET("/api/v1/changes", { params: { query: { after: head, limit: 1000 } } }), 200, "change_list");
    if (page.items.length === 0) return head;
    head = page.last_seq;
  }
}

/** Runs `run(baseUrl, token)` from the command line, printing whether the scenario passed. */
export function main(name: string, run: (baseUrl: string, token: string) => Promise<void>): void {
  const go = async (): Promise<number> => {
    const [baseUrl, token] = process.argv.slice(2);
    if (baseUrl === undefined || token === undefined || process.argv.length !== 4) {
      console.error(`usage: node ${name}.js BASE_URL TOKEN`);
      return 2;
    }
    try {
      await run(baseUrl.replace(/\/+$/, ""), token);
    } catch (error) {
      if (error instanceof ScenarioFailed) {
        console.error(`ts      FAILED: ${error.message}`);
        return 1;
      }
      throw error;
    }
    console.log(`ts      ${name} passed`);
    return 0;
  };
  go().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error("ts      FAILED:", error);
      process.exitCode = 1;
    },
  );
}
