import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { jsEnabled, ready } from "./helpers";

// The reference vectors (domain/tests/vectors) through the WASM build in Chromium. The Rust
// suite proves the server disagrees with the references exactly on the rows listed in
// disagreements.tsv; this proves the browser does too, row for row, with the same canonical
// forms — so browser and server give the same verdict on every vector.
const dir = join(__dirname, "..", "..", "domain", "tests", "vectors");
const kinds = ["vat", "iban", "phone", "postal"];

type Vector = { kind: string; input: string; country: string | null; valid: boolean; canonical: string | null };
type Verdict = { value: string | null; code: string | null };

const vectors: Vector[] = kinds.flatMap((k) =>
  readFileSync(join(dir, `${k}.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l)),
);
const key = (kind: string, input: string, country: string | null) => `${kind}\t${input}\t${country ?? ""}`;
const listed = new Set(
  readFileSync(join(dir, "disagreements.tsv"), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("\t").slice(0, 3).join("\t")),
);

test("the browser's verdicts on the reference vectors are the server's", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "needs the WASM");
  await page.goto("/login");
  await ready(page, testInfo);
  const tables = page.waitForResponse((r) => r.url().includes("/rules/") && r.ok());
  const verdicts: Verdict[] = await page.evaluate(async (json) => {
    const main = (document.querySelector('link[rel="modulepreload"]') as HTMLLinkElement).href;
    const wasm = await import(main);
    return JSON.parse(await wasm.identifier_verdicts(json));
  }, JSON.stringify(vectors.map(({ kind, input, country }) => ({ kind, input, country }))));
  // the tables came from the server, so the phone and postal checks ran with them
  await tables;
  expect(verdicts).toHaveLength(vectors.length);
  const disagreeing = new Set<string>();
  vectors.forEach((v, i) => {
    const got = verdicts[i];
    const agrees = got.value !== null ? v.valid && (v.canonical === null || v.canonical === got.value) : !v.valid;
    if (!agrees) disagreeing.add(key(v.kind, v.input, v.country));
  });
  const unlisted = [...disagreeing].filter((k) => !listed.has(k));
  const missing = [...listed].filter((k) => !disagreeing.has(k));
  console.log(`browser: ${vectors.length} vectors, ${disagreeing.size} disagreements with the references (all listed)`);
  expect(unlisted, "the browser disagrees where the server does not").toEqual([]);
  expect(missing, "the server disagrees where the browser does not").toEqual([]);
});
