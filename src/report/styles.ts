/** The report's whole stylesheet, inlined into the page so the file needs nothing else. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --card: #fff;
  --good: #047857; --good-bg: #ecfdf5; --warn: #b45309; --warn-bg: #fffbeb; --info: #1d4ed8; --info-bg: #eff6ff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 24px 48px; }
header.report-header { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px;
  border-bottom: 1px solid var(--line); padding-bottom: 16px; margin-bottom: 24px; }
header.report-header h1 { margin: 0; font-size: 26px; letter-spacing: -0.01em; }
header.report-header .campaign { color: var(--muted); font-size: 15px; margin-top: 4px; }
header.report-header .campaign code { color: var(--ink); font-weight: 600; }
header.report-header .generated { color: var(--muted); font-size: 12px; text-align: right; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px;
  margin-bottom: 20px; }
section h2 { font-size: 17px; margin: 0 0 14px; }
section p.note { color: var(--muted); font-size: 12px; margin: 10px 0 0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 12px; margin-bottom: 20px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.kpi .value { font-size: 24px; font-weight: 700; margin-top: 2px; font-variant-numeric: tabular-nums; }
.kpi .sub { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
td .ci { display: block; color: var(--muted); font-size: 11px; white-space: nowrap; }
td.title, th.title { text-align: left; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 8px; }
.share-bar { display: inline-block; height: 8px; border-radius: 4px; background: #ef4444; vertical-align: middle; margin-left: 8px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px 28px; margin-top: 18px; }
.table-wrap { overflow-x: auto; }
figure { margin: 0; }
figcaption { font-weight: 600; font-size: 13px; margin-bottom: 4px; }
.verdict { border-radius: 10px; padding: 16px 20px; border: 1px solid; }
.verdict strong { font-size: 16px; display: block; margin-bottom: 4px; }
.verdict.winner { background: var(--good-bg); border-color: #a7f3d0; color: var(--good); }
.verdict.inconclusive { background: var(--warn-bg); border-color: #fde68a; color: var(--warn); }
.verdict.none { background: var(--info-bg); border-color: #bfdbfe; color: var(--info); }
.verdict dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px; margin: 12px 0 0; color: var(--ink); }
.verdict ul.warnings { margin: 10px 0 0; padding-left: 18px; font-size: 12px; }
.verdict dt { color: var(--muted); font-size: 12px; }
.verdict dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); font-style: italic; }
.heatmap { margin: 0 0 18px; overflow-x: auto; }
.heatmap figcaption { font-size: 13px; margin-bottom: 6px; }
.heatmap table { border-collapse: separate; border-spacing: 2px; font-size: 10px; }
.heatmap th { color: var(--muted); font-weight: 500; padding: 0 2px; }
.heatmap td { width: 18px; height: 18px; border-radius: 3px; padding: 0; }
.heatmap td.heat-empty { background: transparent; }
.heatmap td.heat-few { background: repeating-linear-gradient(45deg, var(--line), var(--line) 2px, transparent 2px, transparent 5px); }
.heatmap td.heat-best { outline: 2px solid #111; outline-offset: -1px; }
footer { color: var(--muted); font-size: 12px; }
footer ul { padding-left: 18px; }
@media print { body { background: #fff; } section, .kpi { break-inside: avoid; } }
`;
