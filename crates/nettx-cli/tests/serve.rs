//! `nettx serve` as a process: it refuses an unsafe start with a message
//! naming the setting, says when it runs without issuers, stops on SIGTERM
//! with its audit log whole, and neither its log nor its audit log holds the
//! patient's id or name.

#[allow(dead_code)]
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::BIN;

const PATIENT_ID: &str = "pt-zq-44817";
const NAME: &str = "Wilhelmina Okonkwo-Brandt";

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nettx-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Reads the server's log up to the line announcing where it listens: the
/// port, the lines read, and the reader of the rest of the log.
fn announced_port(
    child: &mut std::process::Child,
) -> (u16, String, std::io::BufReader<std::process::ChildStderr>) {
    use std::io::BufRead;
    let stderr = child.stderr.take().expect("stderr");
    let mut reader = std::io::BufReader::new(stderr);
    let mut lines = String::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("read the log");
        assert!(n > 0, "the server stopped before listening: {lines}");
        lines.push_str(&line);
        if let Some(rest) = line.split("listening on http://127.0.0.1:").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let port = digits.parse().expect("a port in the announcement");
            return (port, lines, reader);
        }
    }
}

/// One HTTP/1.1 request; the status and body of the answer.
fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    let status = answer
        .get(9..12)
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn refuses_a_public_address_without_issuers() {
    let dir = temp("public");
    let out = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--audit-log"])
        .arg(dir.join("a.jsonl"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("issuers") && err.contains("loopback"), "{err}");
    // A config file with a typo is refused naming it.
    let config = dir.join("bad.toml");
    std::fs::write(&config, "listen = \"127.0.0.1:0\"\nlisen = 1\n").expect("write");
    let out = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lisen"));
}

#[test]
fn development_mode_logs_no_patient_data_and_stops_on_sigterm() {
    let dir = temp("dev");
    let audit = dir.join("audit.jsonl");
    // Port 0: the server takes a free port and announces it. (Probing a
    // port picked beforehand raced: a probe can connect to itself when its
    // own ephemeral port is that port, before the server has bound it.)
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--audit-log"])
        .arg(&audit)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let (port, early_lines, mut log) = announced_port(&mut child);
    let subject = format!("{{\"reference\":\"Patient/{PATIENT_ID}\"}}");
    let record = format!(
        r#"{{"patient":{{"resourceType":"Patient","id":"{PATIENT_ID}","name":[{{"text":"{NAME}"}}]}},
        "conditions":{{"resourceType":"Bundle","type":"searchset","entry":[{{"resource":{{"resourceType":"Condition","id":"c1","subject":{subject},
          "code":{{"coding":[{{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C7A.012"}}]}}}}}}]}},
        "observations":null}}"#
    );
    let hook = |instance: &str, patient: &str, prefetch: &str| {
        format!(
            r#"{{"hook":"patient-view","hookInstance":"{instance}","context":{{"patientId":"{patient}"}},"prefetch":{prefetch}}}"#
        )
    };
    let (status, body) = http(
        port,
        "POST",
        "/cds-services/intestinal-net-treatment",
        &hook("h1", PATIENT_ID, &record),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"cards\""));
    // Refused, mismatched, unparsable and page calls, each naming the patient.
    let nulls = r#"{"patient":null,"conditions":null,"observations":null}"#;
    assert_eq!(
        http(
            port,
            "POST",
            "/cds-services/intestinal-net-treatment",
            &hook("h2", PATIENT_ID, nulls)
        )
        .0,
        200
    );
    assert_eq!(
        http(
            port,
            "POST",
            "/cds-services/intestinal-net-treatment",
            &hook("h3", "someone-else", &record)
        )
        .0,
        400
    );
    assert_eq!(
        http(
            port,
            "POST",
            "/cds-services/intestinal-net-treatment",
            &format!("{{\"x\":\"{NAME}\" {PATIENT_ID}")
        )
        .0,
        400
    );
    let case =
        format!(r#"{{"case_id":"{PATIENT_ID}","primary_site":"ileum","{NAME}":"{PATIENT_ID}"}}"#);
    assert_eq!(http(port, "POST", "/evaluate?input=case", &case).0, 400);
    let case = format!(r#"{{"case_id":"{PATIENT_ID}","primary_site":"ileum"}}"#);
    assert_eq!(http(port, "POST", "/evaluate?input=case", &case).0, 200);
    assert_eq!(http(port, "POST", "/evaluate?input=fhir", &record).0, 200);
    assert_eq!(
        http(
            port,
            "GET",
            &format!("/cds-services?patient={PATIENT_ID}"),
            ""
        )
        .0,
        200
    );

    // SIGTERM: a graceful stop, exit status 0.
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    let mut stderr = early_lines;
    log.read_to_string(&mut stderr).expect("read");
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("DEVELOPMENT MODE"), "{stderr}");
    assert!(stderr.contains("\"event\":\"stopped\""), "{stderr}");
    assert!(
        stderr.matches("\"event\":\"request\"").count() >= 8,
        "{stderr}"
    );

    let audit_text = std::fs::read_to_string(&audit).expect("audit log");
    let lines: Vec<serde_json::Value> = audit_text
        .lines()
        .map(|l| serde_json::from_str(l).expect("whole JSON"))
        .collect();
    // h1, h2, the refused page case, the two page evaluations.
    assert_eq!(lines.len(), 5, "{audit_text}");
    for text in [&stderr, &audit_text] {
        for secret in [PATIENT_ID, NAME, "Wilhelmina", "Okonkwo"] {
            assert!(!text.contains(secret), "`{secret}` reached a log");
        }
    }
}
