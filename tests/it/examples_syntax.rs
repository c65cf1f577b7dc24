//! Syntax checks of the unattended-run examples in `examples/` (cron, systemd, GitHub Actions):
//! they are documentation people copy, so they must at least parse; the sample config file must
//! pass `liqshot config check`.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

fn example(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(example(rel)).unwrap_or_else(|e| panic!("examples/{rel}: {e}"))
}

/// The `liqshot` arguments of a command line that must use the batch flags of the examples.
fn check_report_command(what: &str, cmd: &str) {
    for flag in ["report", "--symbol", "--out-dir", "{symbol}", "{date}", "--latest", "--quiet"] {
        assert!(cmd.contains(flag), "{what}: the command does not use {flag}: {cmd}");
    }
}

// ---------------------------------------------------------------- GitHub Actions

#[test]
fn workflow_is_yaml_with_a_schedule_and_jobs() {
    let text = read("ci/publish-daily-report.yml");
    let docs = YamlLoader::load_from_str(&text).expect("examples/ci/publish-daily-report.yml is valid YAML");
    assert_eq!(docs.len(), 1, "one YAML document");
    let doc = &docs[0];
    // YAML 1.1 readers turn the bare key `on` into `true`; accept both spellings.
    let top = doc.as_hash().expect("the workflow is a mapping");
    let on = top
        .get(&Yaml::String("on".into()))
        .or_else(|| top.get(&Yaml::Boolean(true)))
        .expect("the workflow has an `on` key");
    let schedule = on["schedule"].as_vec().expect("on.schedule is a list");
    assert!(!schedule.is_empty(), "on.schedule is empty");
    for entry in schedule {
        let cron = entry["cron"].as_str().expect("each schedule entry has a cron string");
        assert_eq!(cron.split_whitespace().count(), 5, "on.schedule cron {cron:?} has 5 fields");
    }
    let jobs = doc["jobs"].as_hash().expect("jobs is a mapping");
    assert!(!jobs.is_empty(), "no jobs");
    let mut runs = Vec::new();
    let mut uses = Vec::new();
    for (name, job) in jobs {
        let name = name.as_str().expect("job names are strings");
        assert!(job["runs-on"].as_str().is_some(), "job {name} has runs-on");
        let steps = job["steps"].as_vec().unwrap_or_else(|| panic!("job {name} has a list of steps"));
        for step in steps {
            assert!(
                step["run"].as_str().is_some() ^ step["uses"].as_str().is_some(),
                "job {name}: every step has exactly one of run and uses: {step:?}"
            );
            runs.extend(step["run"].as_str().map(str::to_string));
            uses.extend(step["uses"].as_str().map(str::to_string));
        }
    }
    let report = runs.iter().find(|r| r.contains("liqshot report")).expect("a step runs liqshot report");
    check_report_command("workflow", &report.replace("\\\n", " "));
    assert!(report.contains("--out-dir \"site/"), "the report goes under site/: {report}");
    assert!(runs.iter().any(|r| r.contains("cargo build")), "a step builds liqshot");
    for action in
        ["actions/checkout", "dtolnay/rust-toolchain", "actions/upload-pages-artifact", "actions/deploy-pages"]
    {
        assert!(uses.iter().any(|u| u.starts_with(action)), "the workflow uses {action}");
    }
    assert!(uses.iter().all(|u| u.contains('@')), "every action is pinned to a version: {uses:?}");
    assert_eq!(doc["permissions"]["pages"].as_str(), Some("write"), "Pages deployment needs pages: write");
    assert_eq!(doc["permissions"]["id-token"].as_str(), Some("write"), "Pages deployment needs id-token: write");
}

// ---------------------------------------------------------------- cron

/// The crontab's job lines: not blank, not comments, not `NAME=value` settings.
fn cron_jobs(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| {
            let first = l.split_whitespace().next().unwrap_or("");
            !(first.contains('=')
                && first.split('=').next().is_some_and(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')))
        })
        .collect()
}

/// Whether `field` is a valid cron field for values `lo..=hi`: `*`, numbers, ranges, lists, steps.
fn cron_field_ok(field: &str, lo: u32, hi: u32) -> bool {
    field.split(',').all(|part| {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|s| s > 0));
        let in_range = |s: &str| s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v));
        let range_ok = range == "*"
            || match range.split_once('-') {
                Some((a, b)) => in_range(a) && in_range(b) && a.parse::<u32>().ok() <= b.parse::<u32>().ok(),
                None => in_range(range),
            };
        step_ok && range_ok
    })
}

#[test]
fn crontab_line_has_five_time_fields_and_a_liqshot_command() {
    let text = read("cron/liqshot.crontab");
    let jobs = cron_jobs(&text);
    assert_eq!(jobs.len(), 1, "one job line: {jobs:?}");
    let fields: Vec<&str> = jobs[0].splitn(6, char::is_whitespace).collect();
    assert_eq!(fields.len(), 6, "5 time fields and a command: {:?}", jobs[0]);
    let limits = [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7)];
    for (field, (name, lo, hi)) in fields.iter().zip(limits) {
        assert!(cron_field_ok(field, lo, hi), "{name} field {field:?} is not valid cron");
    }
    assert_eq!(&fields[..5], ["5", "0", "*", "*", "*"], "daily at 00:05");
    let cmd = fields[5].trim();
    assert!(cmd.starts_with("liqshot "), "the command starts with liqshot: {cmd}");
    check_report_command("crontab", cmd);
    assert!(cmd.contains("--symbol BTC,ETH,SOL"), "three symbols: {cmd}");
    assert!(cmd.contains("--out-dir \"/var/www/liqshot/{symbol}/{date}\""), "dated directories: {cmd}");
    assert!(cmd.contains(">> ") && cmd.ends_with("2>&1"), "output and errors are logged to a file: {cmd}");
    // cron turns an unescaped % into a newline; the command must not contain one.
    assert!(!cmd.contains('%'), "a % in a crontab command must be escaped: {cmd}");
    assert!(text.lines().any(|l| l.trim() == "CRON_TZ=UTC"), "times are UTC");
}

#[test]
fn cron_field_checker_rejects_bad_fields() {
    assert!(cron_field_ok("*/5", 0, 59) && cron_field_ok("1-5,7", 0, 7) && cron_field_ok("0", 0, 23));
    for bad in ["60", "", "a", "*/0", "5-1", "1,,2"] {
        assert!(!cron_field_ok(bad, 0, 59), "{bad:?} accepted");
    }
}

// ---------------------------------------------------------------- systemd

/// A unit file as `section → key → values` (keys may repeat).
type Unit = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn parse_unit(name: &str, text: &str) -> Unit {
    let mut unit = Unit::new();
    let mut section: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        assert!(!raw.ends_with('\\'), "{name}:{}: no continuation lines in these examples", i + 1);
        if let Some(s) = line.strip_prefix('[') {
            let s = s.strip_suffix(']').unwrap_or_else(|| panic!("{name}:{}: bad section header {line:?}", i + 1));
            unit.entry(s.to_string()).or_default();
            section = Some(s.to_string());
            continue;
        }
        let sec = section.as_ref().unwrap_or_else(|| panic!("{name}:{}: a setting outside any section", i + 1));
        let (k, v) = line.split_once('=').unwrap_or_else(|| panic!("{name}:{}: not KEY=value: {line:?}", i + 1));
        let k = k.trim();
        assert!(!k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()), "{name}:{}: bad key {k:?}", i + 1);
        unit.get_mut(sec).expect("section").entry(k.to_string()).or_default().push(v.trim().to_string());
    }
    unit
}

fn get<'u>(unit: &'u Unit, name: &str, section: &str, key: &str) -> &'u str {
    unit.get(section)
        .and_then(|s| s.get(key))
        .and_then(|v| v.last())
        .unwrap_or_else(|| panic!("{name}: [{section}] {key}= is missing"))
}

#[test]
fn systemd_units_have_the_required_keys() {
    let service = parse_unit("liqshot-daily.service", &read("systemd/liqshot-daily.service"));
    let timer = parse_unit("liqshot-daily.timer", &read("systemd/liqshot-daily.timer"));
    let s = "liqshot-daily.service";
    assert_eq!(get(&service, s, "Service", "Type"), "oneshot");
    let exec = get(&service, s, "Service", "ExecStart");
    assert!(
        exec.starts_with('/') && exec.split_whitespace().next().is_some_and(|p| p.ends_with("/liqshot")),
        "absolute path to liqshot: {exec}"
    );
    check_report_command(s, exec);
    let user = get(&service, s, "Service", "User");
    assert!(user != "root" && !user.is_empty(), "a dedicated user, not root");
    for (key, want) in [("ProtectSystem", "strict"), ("NoNewPrivileges", "yes")] {
        assert_eq!(get(&service, s, "Service", key), want, "{s}: {key}");
    }
    let rw = get(&service, s, "Service", "ReadWritePaths");
    assert!(exec.contains(&format!("\"{rw}/")), "ReadWritePaths {rw} covers the --out-dir of {exec}");
    let t = "liqshot-daily.timer";
    assert_eq!(get(&timer, t, "Timer", "OnCalendar"), "*-*-* 00:05:00 UTC");
    assert_eq!(get(&timer, t, "Timer", "Persistent"), "true");
    assert_eq!(get(&timer, t, "Timer", "Unit"), s);
    assert_eq!(get(&timer, t, "Install", "WantedBy"), "timers.target");
}

/// `systemd-analyze verify` on both units, when the tool exists (it needs no running systemd).
/// ExecStart must name an executable file, so the copy verified points at the liqshot binary
/// this test run built.
#[test]
fn systemd_analyze_verify_accepts_the_units() {
    let Ok(which) = Command::new("which").arg("systemd-analyze").output() else {
        eprintln!("note: `which` is unavailable; skipping systemd-analyze verify (the INI checks still ran)");
        return;
    };
    if !which.status.success() {
        eprintln!("note: systemd-analyze not found; skipping systemd-analyze verify (the INI checks still ran)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let service =
        read("systemd/liqshot-daily.service").replace("/usr/local/bin/liqshot", env!("CARGO_BIN_EXE_liqshot"));
    std::fs::write(dir.path().join("liqshot-daily.service"), service).expect("write");
    std::fs::write(dir.path().join("liqshot-daily.timer"), read("systemd/liqshot-daily.timer")).expect("write");
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no", "liqshot-daily.service", "liqshot-daily.timer"])
        .current_dir(dir.path())
        .output()
        .expect("run systemd-analyze");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // Complaints about other (system) units are not ours; any line naming our units is.
    let ours: Vec<&str> = text.lines().filter(|l| l.contains("liqshot-daily")).collect();
    assert!(out.status.success() && ours.is_empty(), "systemd-analyze verify failed ({}):\n{text}", out.status);
}

#[test]
fn example_config_passes_config_check() {
    let r = common::liqshot(["config", "check", "examples/config/liqshot.toml"]).ok();
    assert!(r.stdout.starts_with("examples/config/liqshot.toml: OK ("), "{}", r.stdout);
    assert!(r.stdout.contains(" 4 jobs)"), "{}", r.stdout);
    for job in [
        "job daily-report: report BTC,ETH,SOL",
        "job charts: render BTC,ETH, windows 24h,7d",
        "job high-leverage: render BTC",
        "job snapshots: fetch BTC,ETH,SOL",
    ] {
        assert!(r.stdout.contains(job), "{job}: {}", r.stdout);
    }
    // Every key the file documents in a comment is a real key: uncommented, the file still checks.
    let text = read("config/liqshot.toml");
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.contains(" = ") && !rest.contains("liqshot") => rest.to_string(),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("liqshot.toml");
    std::fs::write(&file, &uncommented).unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    for name in ["report.md.j2", "report.html.j2", "report.css.j2"] {
        std::fs::copy(common::root().join("templates").join(name), dir.path().join("templates").join(name)).unwrap();
    }
    std::fs::write(dir.path().join("events.txt"), "CPI Thursday\n").unwrap();
    let r = common::liqshot(["config", "check", file.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{uncommented}\n{r:#?}");
}

// ---------------------------------------------------------------- record beside the renders
// (their liqshot command lines are parsed by the binary's own parser in src/cli/examples_check.rs)

#[test]
fn record_runs_all_the_time_beside_the_hourly_renders_on_one_cache() {
    let text = read("cron/liqshot-record.crontab");
    let jobs = cron_jobs(&text);
    assert_eq!(jobs.len(), 2, "a record line and a render line: {jobs:?}");
    let split = |job: &str| -> (Vec<String>, String) {
        let f: Vec<&str> = job.splitn(6, char::is_whitespace).collect();
        assert_eq!(f.len(), 6, "5 time fields and a command: {job}");
        (f[..5].iter().map(|s| s.to_string()).collect(), f[5].trim().to_string())
    };
    let (record_at, record) = split(jobs[0]);
    let (render_at, render) = split(jobs[1]);
    assert_eq!(record_at, ["0", "*", "*", "*", "*"], "record starts every hour");
    assert_eq!(render_at, ["2", "*", "*", "*", "*"], "the hourly render");
    assert!(record.contains("liqshot record ") && render.contains("liqshot render "), "{record} / {render}");
    assert!(record.ends_with("2>&1") && render.ends_with("2>&1") && !text.contains('%'));

    let name = "liqshot-record.service";
    let service = parse_unit(name, &read("systemd/liqshot-record.service"));
    assert_eq!(get(&service, name, "Service", "Restart"), "always", "started again after each run");
    assert_eq!(get(&service, name, "Service", "ProtectSystem"), "strict");
    assert_eq!(get(&service, name, "Install", "WantedBy"), "multi-user.target");
    let exec = get(&service, name, "Service", "ExecStart");
    assert!(exec.starts_with("/usr/local/bin/liqshot "), "{exec}");
    assert!(exec.contains(" record ") && exec.contains("--cache-dir /var/cache/liqshot"), "the CacheDirectory: {exec}");
    assert_eq!(get(&service, name, "Service", "CacheDirectory"), "liqshot");
}

// ---------------------------------------------------------------- Kubernetes

/// Every YAML document of `examples/k8s/*.yaml`, by file name.
fn k8s_documents() -> BTreeMap<String, Vec<Yaml>> {
    let dir = example("k8s");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("examples/k8s") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("examples/k8s/{name}: {e}"));
            assert!(!docs.is_empty(), "examples/k8s/{name}: no document");
            out.insert(name, docs);
        }
    }
    out
}

/// The first document of kind `kind` (and name `name`, if given).
fn k8s_object<'a>(docs: &'a BTreeMap<String, Vec<Yaml>>, kind: &str, name: Option<&str>) -> &'a Yaml {
    docs.values()
        .flatten()
        .find(|d| d["kind"].as_str() == Some(kind) && name.is_none_or(|n| d["metadata"]["name"].as_str() == Some(n)))
        .unwrap_or_else(|| panic!("examples/k8s: no {kind} {name:?}"))
}

#[test]
fn k8s_examples_are_yaml_with_the_documented_shape() {
    let docs = k8s_documents();
    for (name, file) in &docs {
        for d in file {
            if name == "kustomization.yaml" {
                let listed: Vec<&str> = d["resources"].as_vec().unwrap().iter().filter_map(Yaml::as_str).collect();
                for other in docs.keys().filter(|n| *n != name) {
                    assert!(listed.contains(&other.as_str()), "kustomization.yaml does not list {other}");
                }
                continue;
            }
            assert!(d["apiVersion"].as_str().is_some(), "{name}: apiVersion");
            assert!(d["kind"].as_str().is_some(), "{name}: kind");
            assert!(d["metadata"]["name"].as_str().is_some(), "{name}: metadata.name");
        }
    }
    let cron = k8s_object(&docs, "CronJob", None);
    assert_eq!(cron["apiVersion"].as_str(), Some("batch/v1"));
    let schedule = cron["spec"]["schedule"].as_str().expect("spec.schedule");
    assert_eq!(schedule.split_whitespace().count(), 5, "{schedule}");
    assert_eq!(cron["spec"]["concurrencyPolicy"].as_str(), Some("Forbid"));
    let job = &cron["spec"]["jobTemplate"]["spec"];
    assert_eq!(job["completionMode"].as_str(), Some("Indexed"));
    let n = job["completions"].as_i64().expect("completions");
    assert_eq!(job["parallelism"].as_i64(), Some(n), "one pod per shard at once");
    let pod = &job["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"].as_bool(), Some(true));
    assert!(pod["securityContext"]["runAsUser"].as_i64().is_some_and(|u| u > 0));
    let containers = pod["containers"].as_vec().expect("containers");
    assert_eq!(containers.len(), 1);
    let c = &containers[0];
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"].as_bool(), Some(true));
    assert_eq!(c["securityContext"]["allowPrivilegeEscalation"].as_bool(), Some(false));
    for r in ["requests", "limits"] {
        assert!(c["resources"][r]["memory"].as_str().is_some() && c["resources"][r]["cpu"].as_str().is_some(), "{r}");
    }
    // The arguments are a liqshot command line whose --shard takes the completion index.
    let args: Vec<String> = c["args"].as_vec().expect("args").iter().map(|a| a.as_str().unwrap().to_string()).collect();
    // (src/cli/examples_check.rs parses them with the binary's own parser.)
    assert!(args.iter().any(|a| a == "run"), "the CronJob runs `liqshot run`: {args:?}");
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str);
    assert_eq!(
        flag("--shard"),
        Some(format!("JOB_COMPLETION_INDEX/{n}").as_str()),
        "the shard count is the Job's completions"
    );
    // Each shard its own cache directory on the claim; the volumes are the claims of pvc.yaml.
    let mounts = c["volumeMounts"].as_vec().expect("volumeMounts");
    let config_dir = flag("--config").and_then(|p| Path::new(p).parent()).expect("--config FILE").to_str().unwrap();
    let cache = mounts.iter().find(|m| m["mountPath"].as_str() == Some("/var/cache/liqshot")).expect("cache mount");
    assert!(cache["subPathExpr"].as_str().is_some_and(|s| s.contains("$(JOB_COMPLETION_INDEX)")), "{cache:?}");
    for m in mounts {
        let vol = m["name"].as_str().unwrap();
        let v = pod["volumes"].as_vec().unwrap().iter().find(|v| v["name"].as_str() == Some(vol)).expect(vol);
        if let Some(claim) = v["persistentVolumeClaim"]["claimName"].as_str() {
            k8s_object(&docs, "PersistentVolumeClaim", Some(claim));
        } else {
            let cm = v["configMap"]["name"].as_str().expect("a claim or a config map");
            k8s_object(&docs, "ConfigMap", Some(cm));
            assert_eq!(m["mountPath"].as_str(), Some(config_dir), "the config map holds the --config file");
        }
    }
}

#[test]
fn k8s_config_map_holds_a_config_file_that_checks() {
    let docs = k8s_documents();
    let cm = k8s_object(&docs, "ConfigMap", Some("liqshot-config"));
    let text = cm["data"]["liqshot.toml"].as_str().expect("data.liqshot.toml");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("liqshot.toml");
    std::fs::write(&file, text).unwrap();
    let r = common::liqshot(["config", "check", file.to_str().unwrap()]).ok();
    assert!(r.stdout.contains(": OK ("), "{}", r.stdout);
    // Every output goes to the /out volume (the root filesystem is read-only).
    let r = common::liqshot(["--config", file.to_str().unwrap(), "run", "--dry-run", "--shard", "0/4"]).ok();
    assert!(!r.stdout.is_empty(), "shard 0 has work");
    for line in r.stdout.lines() {
        assert!(line.contains("/out/"), "{line}");
    }
}
