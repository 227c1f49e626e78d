//! Which addresses webhooks may be sent to. Loopback, private, link-local,
//! shared (carrier-grade NAT), cloud metadata and other non-public addresses are
//! refused unless the deployment lists their network in
//! `WAYMARK_WEBHOOK_ALLOW_NETWORKS`: a subscription must not turn the server into
//! a way into the partnership's own network. The check runs at registration and
//! again at every delivery, on the addresses the connection will actually use,
//! so a name that later resolves somewhere else is still refused.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use ipnet::IpNet;
use url::{Host, Url};

/// The networks the deployment allows beyond the public internet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlPolicy {
    pub allowed: Vec<IpNet>,
}

/// Addresses every cloud uses for its instance metadata service.
const METADATA: [IpAddr; 3] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
];

impl UrlPolicy {
    /// Reads a comma-separated list of networks (`127.0.0.0/8, 10.20.0.0/16`) or
    /// single addresses.
    pub fn parse(text: &str) -> Result<Self, String> {
        let allowed = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is not a network such as 10.20.0.0/16"))
            })
            .collect::<Result<_, _>>()?;
        Ok(UrlPolicy { allowed })
    }

    /// Refuses an address the deployment does not allow, saying what it is.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), String> {
        if self.allowed.iter().any(|net| net.contains(&ip)) {
            return Ok(());
        }
        match kind_of(ip) {
            Some(kind) => Err(format!(
                "{ip} is a {kind} address; WAYMARK_WEBHOOK_ALLOW_NETWORKS must list it"
            )),
            None => Ok(()),
        }
    }

    /// Checks what can be checked without the network: scheme, host, no
    /// credentials, and the address when the host is one.
    pub fn check_url(&self, url: &Url) -> Result<(), String> {
        if !matches!(url.scheme(), "https" | "http") {
            return Err("must be an http or https URL".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not hold credentials; receivers check the signature instead".into());
        }
        match url.host() {
            None => Err("must name a host".into()),
            Some(Host::Ipv4(ip)) => self.check_ip(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.check_ip(IpAddr::V6(ip)),
            Some(Host::Domain(_)) => Ok(()),
        }
    }

    /// `check_url`, then every address the host name resolves to.
    pub async fn check_resolved(&self, url: &Url) -> Result<(), String> {
        self.check_url(url)?;
        if let Some(Host::Domain(name)) = url.host() {
            let port = url.port_or_known_default().unwrap_or(443);
            self.resolve(name, port).await?;
        }
        Ok(())
    }

    /// The addresses of `name`, all of which the policy allows.
    async fn resolve(&self, name: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| format!("{name} does not resolve: {e}"))?
            .collect();
        if addresses.is_empty() {
            return Err(format!("{name} has no address"));
        }
        for address in &addresses {
            self.check_ip(address.ip())
                .map_err(|e| format!("{name} resolves to {e}"))?;
        }
        Ok(addresses)
    }
}

/// What kind of non-public address `ip` is, if it is one.
fn kind_of(ip: IpAddr) -> Option<&'static str> {
    if METADATA.contains(&ip) {
        return Some("cloud metadata");
    }
    match ip {
        IpAddr::V4(v4) => kind_of_v4(v4),
        IpAddr::V6(v6) => {
            // An IPv4 address carried in IPv6 (mapped or NAT64) is judged as IPv4.
            if let Some(v4) = v6.to_ipv4_mapped() {
                return kind_of(IpAddr::V4(v4));
            }
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let o = v6.octets();
                return kind_of(IpAddr::V4(Ipv4Addr::new(o[12], o[13], o[14], o[15])));
            }
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_multicast() {
                Some("multicast")
            } else if s[0] & 0xfe00 == 0xfc00 {
                Some("private (unique local)")
            } else if s[0] & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                Some("documentation")
            } else {
                None
            }
        }
    }
}

fn kind_of_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if o[0] == 100 && (64..128).contains(&o[1]) {
        Some("shared (carrier-grade NAT)")
    } else if ip.is_unspecified() || o[0] == 0 {
        Some("unspecified")
    } else if ip.is_broadcast() || ip.is_multicast() || o[0] >= 240 {
        Some("multicast or reserved")
    } else if ip.is_documentation() || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) {
        Some("documentation or benchmarking")
    } else if o[0] == 192 && o[1] == 0 && o[2] == 0 {
        Some("protocol assignment")
    } else {
        None
    }
}

/// The HTTP client's resolver: names resolve only to allowed addresses, and the
/// connection goes to exactly the addresses that were checked.
pub struct PolicyResolver(pub Arc<UrlPolicy>);

impl reqwest::dns::Resolve for PolicyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let addresses = policy
                .resolve(name.as_str(), 0)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &UrlPolicy, url: &str) -> bool {
        policy.check_url(&Url::parse(url).unwrap()).is_err()
    }

    #[test]
    fn non_public_addresses_are_refused_by_default() {
        let policy = UrlPolicy::default();
        for url in [
            "http://127.0.0.1:8080/hook",
            "http://[::1]/hook",
            "http://10.1.2.3/hook",
            "http://172.16.0.1/hook",
            "http://192.168.1.10/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://169.254.10.10/hook",
            "http://100.100.100.200/hook",
            "http://[fd00:ec2::254]/hook",
            "http://[fe80::1]/hook",
            "http://[fc00::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://[64:ff9b::a00:1]/hook",
            "http://0.0.0.0/hook",
            "http://224.0.0.1/hook",
            "ftp://203.0.113.9/hook",
            "https://user:pw@partner.example/hook",
        ] {
            assert!(refused(&policy, url), "{url} should be refused");
        }
        assert!(!refused(&policy, "https://81.2.69.160/hook"));
        assert!(!refused(&policy, "https://hooks.partner.example/waymark"));
    }

    #[test]
    fn allowed_networks_open_exactly_their_addresses() {
        let policy = UrlPolicy::parse("127.0.0.0/8, 10.20.0.0/16, ::1").unwrap();
        assert!(!refused(&policy, "http://127.0.0.1:9000/hook"));
        assert!(!refused(&policy, "http://[::1]:9000/hook"));
        assert!(!refused(&policy, "http://10.20.3.4/hook"));
        assert!(refused(&policy, "http://10.21.3.4/hook"));
        assert!(refused(&policy, "http://169.254.169.254/"));
        assert!(UrlPolicy::parse("10.0.0.0/33").is_err());
        assert!(UrlPolicy::parse("localhost").is_err());
    }
}
