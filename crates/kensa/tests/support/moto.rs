//! A moto server (a local emulation of the AWS APIs) for one test.
//!
//! The server binary comes from `KENSA_MOTO_SERVER`, which `scripts/test`
//! sets after installing moto into a cached venv. It is started through
//! `moto_rpcv2cbor.py` (beside this file), which runs moto's own server
//! and lets it answer CloudWatch in the RPC v2 CBOR protocol the Rust SDK
//! speaks (moto itself serves only awsQuery and awsJson there; the script
//! says how). Each test starts its own
//! server on its own port, so tests running in parallel threads never see
//! each other's account state. The server is killed when the value drops.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer its first request.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Credentials moto accepts (it does not check them).
pub const TEST_ACCESS_KEY: &str = "testing";
pub const TEST_SECRET_KEY: &str = "testing";
pub const TEST_REGION: &str = "us-east-1";

/// A running moto server, killed on drop.
#[derive(Debug)]
pub struct MotoServer {
    child: Child,
    port: u16,
    log: PathBuf,
    // Keeps the log's directory alive as long as the server.
    _dir: tempfile::TempDir,
}

impl MotoServer {
    /// Starts a server on a free loopback port and waits until it answers.
    ///
    /// Panics (never skips) when moto is not installed: the integration
    /// tests are part of the suite, and `scripts/test` installs it.
    pub fn start() -> MotoServer {
        let binary = server_binary();
        let dir = tempfile::tempdir().expect("create a temporary directory for the moto log");
        let log = dir.path().join("moto_server.log");
        let log_file = std::fs::File::create(&log).expect("create the moto log file");
        let log_err = log_file
            .try_clone()
            .expect("clone the moto log file handle");
        let port = free_port();
        let child = Command::new(venv_python(&binary))
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/moto_rpcv2cbor.py"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log_file))
            .stderr(Stdio::from(log_err))
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()));
        let mut server = MotoServer {
            child,
            port,
            log,
            _dir: dir,
        };
        server.wait_until_ready();
        server
    }

    /// The URL to give kensa and the SDK as endpoint.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// An IAM client that talks to this server.
    pub async fn iam_client(&self) -> aws_sdk_iam::Client {
        let credentials = aws_sdk_iam::config::Credentials::new(
            TEST_ACCESS_KEY,
            TEST_SECRET_KEY,
            None,
            None,
            "kensa-tests",
        );
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .credentials_provider(credentials)
            .region(aws_config::Region::new(TEST_REGION))
            .endpoint_url(self.endpoint())
            .load()
            .await;
        aws_sdk_iam::Client::new(&config)
    }

    /// The kensa binary under test, with test credentials and nothing from
    /// the developer's own AWS setup.
    pub fn kensa(&self) -> Command {
        kensa()
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the moto server") {
                panic!(
                    "moto server exited before it was ready ({status})\n--- log tail ---\n{}",
                    log_tail(&self.log)
                );
            }
            if answers(self.port) {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "moto server did not answer on port {} within {}s\n--- log tail ---\n{}",
                    self.port,
                    READY_TIMEOUT.as_secs(),
                    log_tail(&self.log)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The kensa binary under test, with test credentials, no profile, no
/// endpoint from the environment and untranslated tool messages.
pub fn kensa() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kensa"));
    command
        .env("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", TEST_SECRET_KEY)
        .env("AWS_REGION", TEST_REGION)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_IAM")
        .env_remove("AWS_ENDPOINT_URL_STS")
        .env_remove("AWS_ENDPOINT_URL_EC2")
        .env("LANG", "C")
        // moto answers some calls it lacks with HTTP 500 (Config's
        // DescribeDeliveryChannelStatus in every one of its 38 regions), which
        // the standard retry policy retries with backoff: eight attempts
        // made one audit take minutes. Two attempts keep the retry path
        // exercised; throttling retries are tested against kensa-collect's
        // fake AWS.
        .env("AWS_MAX_ATTEMPTS", "2")
        .stdin(Stdio::null());
    command
}

/// The moto_server executable: `KENSA_MOTO_SERVER`, else the venv that
/// `scripts/test` creates in the default cache.
fn server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("KENSA_MOTO_SERVER") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "KENSA_MOTO_SERVER={} does not exist; run `scripts/test`, which installs moto",
            path.display()
        );
        return path;
    }
    if let Some(home) = std::env::var_os("HOME") {
        let fallback = Path::new(&home).join(".cache/kensa/moto-venv/bin/moto_server");
        if fallback.is_file() {
            return fallback;
        }
    }
    panic!(
        "moto_server not found: KENSA_MOTO_SERVER is not set and ~/.cache/kensa/moto-venv has no \
         moto_server. Run the tests with `scripts/test`, which installs moto \
         (scripts/requirements-test.txt) and sets KENSA_MOTO_SERVER."
    );
}

/// The Python of moto's venv: `python3` beside `moto_server`.
fn venv_python(moto_server: &Path) -> PathBuf {
    let python = moto_server.with_file_name("python3");
    assert!(
        python.is_file(),
        "{} has no python3 beside it; run `scripts/test`, which installs moto in a venv",
        moto_server.display()
    );
    python
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port on 127.0.0.1");
    listener.local_addr().expect("read the bound port").port()
}

/// Whether `GET /moto-api/` gets an HTTP answer.
fn answers(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(500)) else {
        return false;
    };
    let timeout = Some(Duration::from_secs(5));
    if stream.set_read_timeout(timeout).is_err() || stream.set_write_timeout(timeout).is_err() {
        return false;
    }
    let request = format!("GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    read >= 9 && head.starts_with(b"HTTP/1.")
}

/// The last lines of the server's log, for failure messages.
fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| format!("(cannot read log: {e})"));
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
