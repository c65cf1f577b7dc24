//! What a rejected command line prints: clap's message, and the one `liqshot: error: ...` line.

use super::Cli;

/// What liqshot prints when clap rejects the command line: clap's own message (with its "tip:"
/// and usage lines, without its "For more information, try '--help'."), and the one line
/// `liqshot: error: ...` that ends every failed run (see [`parse_error_line`]).
pub fn parse_error_text(e: &clap::Error, ansi: bool) -> String {
    let styled = e.render();
    let text = if ansi { styled.ansi().to_string() } else { styled.to_string() };
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.contains("For more information, try")).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The one-line message of a command line clap rejected (`argv`, the process arguments), for
/// the final `liqshot: error: ...` line or JSON event: clap's message and tips on one line and
/// where to read more, e.g. `unexpected argument '--windw' found; tip: a similar argument
/// exists: '--window' (see liqshot render --help)`.
pub fn parse_error_line(e: &clap::Error, argv: &[std::ffi::OsString]) -> String {
    use clap::error::ErrorKind;
    use clap::CommandFactory;
    // The (sub)command the words of argv name: `liqshot config`.
    let mut cmd = Cli::command();
    let mut path = vec![cmd.get_name().to_string()];
    for a in argv.iter().skip(1).filter_map(|a| a.to_str()) {
        if a == "--" {
            break;
        }
        if let Some(sub) = cmd.find_subcommand(a).cloned() {
            path.push(sub.get_name().to_string());
            cmd = sub;
        }
    }
    let path = path.join(" ");
    let see = format!("(see {path} --help)");
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let subs: Vec<&str> = cmd.get_subcommands().filter(|c| !c.is_hide_set()).map(|c| c.get_name()).collect();
        return if subs.is_empty() {
            format!("{path}: missing arguments {see}")
        } else {
            format!("{path} needs a command: {} {see}", subs.join(", "))
        };
    }
    let text = e.render().to_string();
    let mut msg = String::new();
    let mut list = false;
    for line in
        text.lines().map(str::trim).take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
    {
        if line.is_empty() {
            continue;
        }
        if msg.is_empty() {
            msg.push_str(line.strip_prefix("error: ").unwrap_or(line));
        } else if let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            msg.push_str(&format!(" ({inner})"));
        } else if (msg.ends_with(':') || list) && !line.starts_with("tip:") {
            // The items of `the following required arguments were not provided:`; a group of
            // alternatives `<--snapshot <FILE>|--symbol <SYMBOLS>>` reads `... or ...`.
            let item = match line.strip_prefix('<').and_then(|l| l.strip_suffix('>')) {
                Some(inner) if inner.contains('|') => inner.replace('|', " or "),
                _ => line.to_string(),
            };
            msg.push_str(if list { ", " } else { " " });
            msg.push_str(&item);
            list = true;
        } else {
            msg.push_str("; ");
            msg.push_str(line);
        }
    }
    if msg.is_empty() {
        msg = format!("{:?}", e.kind());
    }
    format!("{msg} {see}")
}
