//! What the analysis becomes: charts, reports and exports, each a pure function returning bytes
//! or text (the command line writes them with [`crate::files`]).

// Render: the chart as a backend-independent scene → PNG or SVG bytes.
pub mod render;
// The daily pre-trade report: analysis → `report::model::Report` → Markdown, HTML, JSON.
pub mod report;
// `liqshot zones` output: the zones as a text table or JSON.
pub mod zone_report;
// `liqshot levels` as CSV and JSON.
pub mod levels_export;
// `liqshot levels --pine`: zones and top levels as a TradingView Pine Script indicator.
pub mod pine;
// The publishing archive of reports: an index page and an Atom feed, newest first.
pub mod archive;
