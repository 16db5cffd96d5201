/**
 * The uploaded-CSV case of the compression measurement (compress-measure-csv.ts): a realistic
 * table — 7 numeric columns, 4 categorical ones, a few blank cells — whose 4-class `segment`
 * label is drawn from noisy non-linear scores of the columns (sampled, not thresholded, so no
 * model reaches 100%). Seeded: the same file on every machine and run.
 */

/** mulberry32: the table is the same on every machine and run. */
function rng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A customer table: who is a churn risk, occasional, regular or loyal buyer. `bayes` is the
 * mean probability of each row's likeliest class: the accuracy the best possible model expects.
 */
export function customerCsv(n: number): { text: string; bayes: number } {
  const r = rng(20261206);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const pick = <T>(xs: readonly T[], w: readonly number[]) => {
    let u = r() * w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < xs.length; i++) if ((u -= w[i]!) <= 0) return xs[i]!;
    return xs[xs.length - 1]!;
  };
  const regions = ['north', 'south', 'east', 'west', 'overseas'] as const;
  const plans = ['free', 'basic', 'plus', 'premium'] as const;
  const devices = ['android', 'ios', 'web'] as const;
  const classes = ['churn_risk', 'occasional', 'regular', 'loyal'] as const;
  let bayes = 0;
  const lines = ['age,income_k,tenure_months,visits_30d,avg_basket,support_tickets,discount_rate,region,plan,device,newsletter,segment'];
  for (let i = 0; i < n; i++) {
    const age = Math.round(Math.min(80, Math.max(18, 41 + 13 * normal())));
    const income = Math.exp(3.8 + 0.45 * normal() + 0.006 * (age - 40));
    const tenure = Math.round(Math.min(120, Math.max(0, -30 * Math.log(1 - r()))));
    const region = pick(regions, [3, 3, 2, 2, 1]);
    const plan = pick(plans, [4, 3, 2, 1]);
    const device = pick(devices, [4, 3, 2]);
    const planLevel = plans.indexOf(plan);
    const visits = Math.max(0, Math.round(3 + 1.5 * planLevel + tenure / 25 + 2.5 * normal()));
    const basket = Math.max(2, 18 + 0.35 * income + 6 * normal() + (region === 'overseas' ? 12 : 0));
    const tickets = Math.max(0, Math.round(1.2 + 0.8 * normal() + (device === 'web' ? 0.6 : 0)));
    const discount = Math.min(0.6, Math.max(0, 0.1 + 0.08 * normal() + (plan === 'free' ? 0.05 : 0)));
    const newsletter = r() < 0.3 + 0.1 * planLevel ? 'yes' : 'no';
    // Class scores with interactions and a threshold-like tenure term; sampled, not argmaxed: label noise.
    const engage = 0.35 * visits + 0.02 * tenure + 0.4 * planLevel - 0.7 * tickets + (newsletter === 'yes' ? 0.5 : 0);
    const value = 0.03 * basket * (1 + planLevel / 3) + (tenure > 24 ? 1 : 0) - 4 * discount;
    const s = [
      1.5 * tickets - 0.25 * visits + (tenure < 6 ? 1.5 : 0) + (device === 'web' ? 0.4 : 0),
      1.5 + 0.3 * Math.abs(age - 35) / 10 - 0.1 * engage,
      0.5 * engage + 0.2 * value - 1,
      0.6 * engage + 0.6 * value + (age > 50 && planLevel >= 2 ? 1.2 : 0) - 4.5,
    ].map((v) => v * 1.6);
    const m = Math.max(...s);
    const p = s.map((v) => Math.exp(v - m));
    const label = pick(classes, p);
    bayes += Math.max(...p) / p.reduce((a, b) => a + b, 0);
    // A few blank cells, as real exports have: the default preparation fills them with the mean.
    const blank = (v: string) => (r() < 0.004 ? '' : v);
    lines.push([age, blank(income.toFixed(1)), tenure, visits, basket.toFixed(2), tickets, discount.toFixed(3), region, plan, device, newsletter, label].map(String).join(','));
  }
  return { text: lines.join('\n') + '\n', bayes: bayes / n };
}
