//! The daily pre-trade checklist: data computed from the snapshot ([`model::Report`]) and
//! rendered through templates to Markdown, HTML and `zones.json`.

pub mod model;
pub mod compute;
pub mod indicators;
pub mod plan;
pub mod positioning;
pub mod triggers;
