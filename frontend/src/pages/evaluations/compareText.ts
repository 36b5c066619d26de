import { pValue } from './format';

/** The significance of a comparison in one sentence, from its counts and McNemar p-value. */
export function significanceSentence(regressions: number, improvements: number, p: number, significant: boolean, level = 0.05): string {
  const net = improvements - regressions;
  const items = (n: number, more: string) => `${n} ${more} ${n === 1 ? 'item' : 'items'}`;
  const head =
    net === 0
      ? 'B passes as many items as A'
      : net < 0
        ? `B passes ${items(-net, 'fewer')} than A`
        : `B passes ${items(net, 'more')} than A`;
  const counts = `(${regressions} ${regressions === 1 ? 'regression' : 'regressions'}, ${improvements} ${improvements === 1 ? 'improvement' : 'improvements'})`;
  const levelText = `${Math.round(level * 100)}%`;
  if (regressions + improvements === 0) {
    return `${head} ${counts}: no item changed outcome, so there is nothing to test — no significant difference.`;
  }
  const verdict = significant
    ? `significant at the ${levelText} level${net < 0 ? ' (a regression)' : net > 0 ? ' (an improvement)' : ''}`
    : `not significant at the ${levelText} level`;
  return `${head} ${counts}; McNemar's exact test p = ${pValue(p)} — ${verdict}.`;
}
