//! `liqshot completions SHELL` and `liqshot man`: the shell completion script and the roff man
//! pages, made from the command line's own definition (clap_complete, clap_mangen), for
//! packagers.

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::Cli;
use liqshot::error::Error;

/// `Examples:` of `liqshot completions --help`.
pub const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  liqshot completions bash > /usr/share/bash-completion/completions/liqshot
  liqshot completions zsh > /usr/share/zsh/site-functions/_liqshot
  liqshot completions fish > /usr/share/fish/vendor_completions.d/liqshot.fish";

/// `Examples:` of `liqshot man --help`.
pub const MAN_EXAMPLES: &str = "\
Examples:
  liqshot man | man -l -
  # liqshot.1 and a page per command (liqshot-render.1, ...), for /usr/share/man/man1
  liqshot man --out-dir target/man";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write liqshot.1 and one page per command (liqshot-render.1, ...) into DIR instead of liqshot.1 on standard output
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Prints the completion script of `a.shell` on standard output.
pub fn completions(a: &CompletionsArgs) -> Result<(), Error> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "liqshot", &mut buf);
    super::to_stdout(&buf)
}

/// The man pages: `liqshot.1` first, then one per command and sub-command (`liqshot-render.1`,
/// `liqshot-config-check.1`), as (file name, roff).
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>, Error> {
    fn walk(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), Error> {
        let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name()).to_string();
        let mut roff = Vec::new();
        clap_mangen::Man::new(cmd.clone())
            .render(&mut roff)
            .map_err(|e| Error::io(std::path::Path::new(&format!("{name}.1")), e))?;
        out.push((format!("{name}.1"), roff));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
            walk(sub, out)?;
        }
        Ok(())
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, &mut out)?;
    Ok(out)
}

/// `liqshot man`: the main page on standard output, or every page into `--out-dir` (all or nothing).
pub fn man(a: &ManArgs) -> Result<(), Error> {
    let pages = man_pages()?;
    match &a.out_dir {
        None => super::to_stdout(&pages[0].1),
        Some(dir) => {
            let files: Vec<(PathBuf, Vec<u8>)> = pages.into_iter().map(|(n, b)| (dir.join(n), b)).collect();
            super::source::write_logged(&files).map(drop)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_per_command() {
        let pages = super::man_pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[0], "liqshot.1");
        for n in ["liqshot-render.1", "liqshot-report.1", "liqshot-run.1", "liqshot-config-check.1", "liqshot-man.1"] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
        let main = String::from_utf8(pages[0].1.clone()).unwrap();
        assert!(main.contains(".TH liqshot 1") && main.contains("render"), "{main}");
    }
}
