//! The daily pre-trade checklist: data computed from the snapshot ([`model::Report`], by
//! [`compute`]) and rendered through templates ([`templates`]) to Markdown, HTML and
//! `zones.json` ([`run`]).

pub mod alt;
pub mod compute;
pub mod filters;
pub mod indicators;
pub mod model;
pub mod plan;
pub mod positioning;
pub mod resample;
pub mod run;
pub mod templates;
pub mod triggers;
