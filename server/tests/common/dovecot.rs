//! A real IMAP server for the tests: Debian's Dovecot (`scripts/setup.sh --for-tests`
//! installs `dovecot-imapd`), started in the foreground on a free loopback port with its
//! own configuration and mail in a scratch directory, one user (`support`, any password
//! `secret`), stopped when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Dovecot {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

fn id(args: &[&str]) -> String {
    let out = Command::new("id").args(args).output().expect("id");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl Dovecot {
    pub fn start() -> Dovecot {
        let binary = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("Dovecot is not installed: run scripts/setup.sh --for-tests (Debian's dovecot-imapd)");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("onboard-dovecot-{}", uuid::Uuid::new_v4().simple()));
        for sub in ["mail", "run", "state"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let root = id(&["-u"]) == "0";
        // Dovecot never serves mail as root: as root the mail belongs to `nobody`.
        let (uid, gid, users) = if root {
            let (uid, gid) = (id(&["-u", "nobody"]), id(&["-g", "nobody"]));
            std::os::unix::fs::chown(dir.join("mail"), uid.parse().ok(), gid.parse().ok()).unwrap();
            (uid, gid, String::new())
        } else {
            let me = id(&["-un"]);
            (
                id(&["-u"]),
                id(&["-g"]),
                format!(
                    "default_internal_user = {me}\ndefault_login_user = {me}\ndefault_internal_group = {}\n",
                    id(&["-gn"])
                ),
            )
        };
        let d = dir.display();
        let config = format!(
            "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n{users}\
             listen = 127.0.0.1\nprotocols = imap\nssl = no\ndisable_plaintext_auth = no\n\
             auth_mechanisms = plain login\nmail_location = maildir:{d}/mail/%u\n\
             passdb {{\n  driver = static\n  args = password=secret\n}}\n\
             userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={d}/mail/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  \
             inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             namespace inbox {{\n  inbox = yes\n}}\n"
        );
        std::fs::write(dir.join("dovecot.conf"), config).unwrap();
        let child = Command::new(binary)
            .args(["-F", "-c"])
            .arg(dir.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dovecot");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "Dovecot did not listen on {port}: {}",
                std::fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Dovecot { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("imap://support:secret@127.0.0.1:{}/INBOX", self.port)
    }

    async fn session(&self) -> async_imap::Session<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap();
        client.login("support", "secret").await.map_err(|(e, _)| e).unwrap()
    }

    /// Delivers a message into `folder`, as the mail system would.
    pub async fn deliver(&self, folder: &str, raw: &[u8]) {
        let mut s = self.session().await;
        let _ = s.create(folder).await;
        s.append(folder, None, None, raw).await.unwrap();
        s.logout().await.unwrap();
    }

    /// How many messages `folder` holds (0 when it does not exist).
    pub async fn count(&self, folder: &str) -> u32 {
        let mut s = self.session().await;
        let n = match s.select(folder).await {
            Ok(m) => m.exists,
            Err(_) => 0,
        };
        let _ = s.logout().await;
        n
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
