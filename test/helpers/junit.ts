/**
 * What two JUnit reports of the same suite must share, whatever run or shards made them:
 * the test cases (without their times, which differ between any two runs) and the totals.
 * Used by the shard tests and by bench/scale-bench.ts, so both compare reports one way.
 */
export function junitCases(xml: string): string[] {
  return [...xml.matchAll(/ {4}<testcase [^>]*?(?:\/>|>[\s\S]*?<\/testcase>)\n/g)].map((m) => m[0].replace(/ time="[\d.]+"/, '')).sort();
}

export function junitTotals(xml: string): string {
  return /<testsuite name="[^"]*" (tests="\d+" failures="\d+" errors="\d+" skipped="\d+")/.exec(xml)?.[1] ?? `no totals in ${xml.slice(0, 300)}`;
}
