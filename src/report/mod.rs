//! The daily pre-trade checklist: data computed from the snapshot ([`model::Report`]) and
//! rendered through templates ([`templates`]) to Markdown, HTML and `zones.json` ([`run`]).

pub mod compute;
pub mod filters;
pub mod model;
pub mod run;
pub mod templates;
