//! Issue 12: nothing is read from outside the site root through a symbolic link, in build, check and serve,
//! for content, static files, templates and page bundles' files; links that stay inside the site are followed.
//! Unix only (symlinks are made with `std::os::unix`); the serve tests run the binary on a free loopback port.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{copy_dir, files, fixture, options, write};
use tempfile::TempDir;

const SECRET: &str = "TOP SECRET from outside the site";

/// The `basic` site in `tmp/site`, and beside it `tmp/outside`: a page, a template, a file and a folder that
/// links in the site point to. Also `tmp/site/shared/logo.txt`, outside every site folder but inside the root.
fn site_with_links() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().expect("temp dir");
    let site = tmp.path().join("site");
    copy_dir(&fixture("basic"), &site);
    let outside = tmp.path().join("outside");
    write(&outside, "secret.txt", SECRET);
    write(&outside, "etc/shadow", SECRET);
    write(&outside, "page.md", format!("+++\ntitle = \"Leaked\"\n+++\n{SECRET}\n"));
    write(&outside, "page.html", format!("{SECRET} {{{{ page.title }}}}"));
    write(&site, "shared/logo.txt", "logo inside the site");
    write(&site, "content/guide/bundle/index.md", "+++\ntitle = \"Bundle\"\n+++\nA bundle.\n");
    let links: [(&str, PathBuf); 8] = [
        ("content/leak.md", outside.join("page.md")),
        ("static/secret.txt", outside.join("secret.txt")),
        ("static/etc", outside.join("etc")),
        ("templates/page.html", outside.join("page.html")),
        ("content/guide/bundle/data.txt", outside.join("secret.txt")),
        ("content/guide/bundle/files", outside.join("etc")),
        // Inside the root: followed.
        ("static/logo.txt", site.join("shared/logo.txt")),
        ("content/guide/bundle/logo.txt", site.join("shared/logo.txt")),
    ];
    for (link, target) in links {
        std::fs::create_dir_all(site.join(link).parent().expect("has a parent")).expect("make folder");
        symlink(target, site.join(link)).expect("make link");
    }
    (tmp, site)
}

/// Paths (in the output or under `quire serve`) that only a link out of the site could fill.
const LEAKS: [&str; 5] =
    ["secret.txt", "etc/shadow", "leak/index.html", "guide/bundle/data.txt", "guide/bundle/files/shadow"];

fn assert_no_secret_in(output: &Path) {
    for file in files(output) {
        let bytes = std::fs::read(output.join(&file)).expect("read output file");
        assert!(!String::from_utf8_lossy(&bytes).contains(SECRET), "{file} holds text from outside the site");
        assert!(!String::from_utf8_lossy(&bytes).contains("Leaked"), "{file} names the page from outside");
    }
}

#[test]
fn build_reads_nothing_through_links_out_of_the_site_and_warns_naming_each() {
    let (tmp, site) = site_with_links();
    let output = tmp.path().join("public");
    let report = quire::build(&options(&site, &output)).expect("the site builds");
    let built = files(&output);
    for leak in LEAKS {
        assert!(!built.contains(&leak.to_string()), "{leak} was published: {built:?}");
    }
    assert_no_secret_in(&output);
    // Links inside the root are followed: the static file and the bundle's file.
    assert!(built.contains(&"logo.txt".to_string()), "{built:?}");
    assert!(built.contains(&"guide/bundle/logo.txt".to_string()), "{built:?}");
    let warned: Vec<String> = report
        .warnings
        .iter()
        .filter(|warning| warning.kind == "symlink")
        .map(|warning| warning.at.file.to_string_lossy().into_owned())
        .collect();
    for link in [
        "content/leak.md",
        "static/secret.txt",
        "static/etc",
        "templates/page.html",
        "content/guide/bundle/data.txt",
        "content/guide/bundle/files",
    ] {
        assert!(warned.iter().any(|file| file == link), "no warning names {link}: {warned:?}");
    }
}

#[test]
fn check_warns_about_the_same_links() {
    let (_tmp, site) = site_with_links();
    let checked = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["check", "--root"])
        .arg(&site)
        .output()
        .expect("run quire check");
    let stderr = String::from_utf8_lossy(&checked.stderr);
    for link in ["content/leak.md", "static/secret.txt", "static/etc", "templates/page.html", "bundle/data.txt"] {
        assert!(stderr.contains(link), "check does not name {link}:\n{stderr}");
    }
    assert!(!stderr.contains(SECRET), "{stderr}");
}

#[test]
fn opting_in_follows_links_out_of_the_site() {
    let (tmp, site) = site_with_links();
    let config = std::fs::read_to_string(site.join("config.toml")).expect("config");
    write(&site, "config.toml", format!("follow_outside_symlinks = true\n{config}"));
    let output = tmp.path().join("public");
    let report = quire::build(&options(&site, &output)).expect("the site builds");
    assert_eq!(std::fs::read_to_string(output.join("secret.txt")).expect("copied"), SECRET);
    assert!(output.join("leak/index.html").exists());
    assert!(report.warnings.iter().all(|warning| warning.kind != "symlink"));
}

/// `quire serve` on a free port, stopped when dropped.
struct Served {
    child: Child,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &Path) -> Served {
    let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("bound").port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start quire serve");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut served = Served { child, port };
    // The URL line says the port it took (the next one if that was taken meanwhile); the first build's summary
    // line follows once the site is in memory.
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read serve output");
        if let Some(url) = line.split_whitespace().find(|word| word.starts_with("http://")) {
            let port = url.trim_end_matches('/').rsplit(':').next().and_then(|port| port.parse().ok());
            served.port = port.expect("a port in the URL");
        }
        if line.contains("(started)") {
            break;
        }
    }
    served
}

fn status(served: &Served, path: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let request = format!("GET /{path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", served.port);
    stream.write_all(request.as_bytes()).expect("send");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    assert!(!reply.contains(SECRET), "/{path} served text from outside the site");
    reply.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status line")
}

#[test]
fn serve_answers_404_for_what_links_out_of_the_site_point_to() {
    let (_tmp, site) = site_with_links();
    let served = serve(&site);
    assert_eq!(status(&served, ""), 200);
    assert_eq!(status(&served, "logo.txt"), 200);
    assert_eq!(status(&served, "guide/bundle/logo.txt"), 200);
    for leak in LEAKS {
        assert_eq!(status(&served, leak), 404, "/{leak}");
    }
    assert_eq!(status(&served, "leak/"), 404);
}
