//! The daily pre-trade checklist: data computed from the snapshot ([`model::Report`], by
//! [`compute`]) and rendered through templates ([`templates`]) to Markdown, HTML and
//! `zones.json` ([`files`]). The `liqshot report` command around it is `cli::report`.

pub mod alt;
pub mod compute;
pub mod context;
pub mod evidence;
pub mod files;
pub mod filters;
pub(crate) mod indicators;
pub mod model;
pub mod plain;
pub mod plan;
pub mod positioning;
pub mod realized;
pub mod structure;
pub mod summary;
pub mod templates;
pub mod triggers;
