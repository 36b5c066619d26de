//! Where provider requests may go: base URLs are checked when they are set and again before
//! each run, and every address a host name resolves to is checked at connect time (a DNS
//! resolver that drops forbidden addresses), so a name that later resolves to an internal
//! address (DNS rebinding) is refused too. Private, loopback, link-local (cloud metadata),
//! unique-local, CGNAT, multicast and unspecified addresses are refused unless allowed by
//! `PROMPTOPS_PROVIDER_ALLOWED_HOSTS`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

const MAX_URL_LEN: usize = 2048;

/// The allow-list: host names (exact, case-insensitive), IP addresses and CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EgressPolicy {
    hosts: Vec<String>,
    nets: Vec<(IpAddr, u8)>,
}

impl EgressPolicy {
    /// Parses allow-list entries (`llm.internal`, `10.0.0.5`, `10.0.0.0/8`, `fd00::/8`,
    /// `[::1]`); an entry that is none of these is an error naming it.
    pub fn new<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        let mut policy = Self::default();
        for entry in entries {
            let entry = entry.as_ref().trim();
            if entry.is_empty() {
                continue;
            }
            let unbracketed = entry.trim_start_matches('[').trim_end_matches(']');
            if let Some((ip, bits)) = entry.split_once('/') {
                let ip: IpAddr = ip
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse()
                    .map_err(|_| format!("`{entry}` is not a CIDR range"))?;
                let max = if ip.is_ipv4() { 32 } else { 128 };
                let bits: u8 = bits
                    .parse()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("`{entry}` has an invalid prefix length"))?;
                policy.nets.push((canonical(ip), bits));
            } else if let Ok(ip) = unbracketed.parse::<IpAddr>() {
                let ip = canonical(ip);
                policy.nets.push((ip, if ip.is_ipv4() { 32 } else { 128 }));
            } else if entry
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
            {
                policy
                    .hosts
                    .push(entry.trim_end_matches('.').to_ascii_lowercase());
            } else {
                return Err(format!("`{entry}` is not a host name, IP address or CIDR"));
            }
        }
        Ok(policy)
    }

    fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    /// Whether a connection to `ip` may be made (for a host name not on the list).
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        !is_internal(ip) || self.nets.iter().any(|(net, bits)| in_net(ip, *net, *bits))
    }

    /// Validates and normalises a base URL: `http`/`https`, a host, no user name or password,
    /// no query or fragment, and not an internal IP address unless allowed. The result has no
    /// trailing slash. Errors are worded for the person who set the URL.
    pub fn check_url(&self, url: &str) -> Result<String, String> {
        let url = url.trim();
        if url.len() > MAX_URL_LEN {
            return Err("baseUrl is too long".into());
        }
        let parsed = Url::parse(url).map_err(|_| "baseUrl must be an http:// or https:// URL")?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("baseUrl must be an http:// or https:// URL".into());
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("baseUrl must not contain a user name or password: \
                        pass the key as apiKey"
                .into());
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err("baseUrl must not have a query (?) or a fragment (#)".into());
        }
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("baseUrl must have a host")?;
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            && !self.allows_ip(ip)
        {
            return Err(not_allowed());
        }
        Ok(parsed.as_str().trim_end_matches('/').to_owned())
    }

    /// A DNS resolver for reqwest that only returns addresses this policy allows.
    pub fn resolver(self: &Arc<Self>) -> GuardedResolver {
        GuardedResolver {
            policy: self.clone(),
        }
    }
}

/// `url` without a user name or password, for display.
pub fn without_userinfo(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            // Only fails for URLs that cannot have credentials, which these have.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.as_str().trim_end_matches('/').to_owned()
        }
        Ok(_) => url.to_owned(),
        Err(_) => "(invalid URL)".to_owned(),
    }
}

fn not_allowed() -> String {
    "baseUrl points to a private, loopback, link-local or otherwise internal address; an \
     operator can allow it with PROMPTOPS_PROVIDER_ALLOWED_HOSTS"
        .into()
}

/// Resolves with the system resolver, then drops the addresses the policy refuses; when none is
/// left the connection fails like any unreachable host.
pub struct GuardedResolver {
    policy: Arc<EgressPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let trusted = policy.allows_host(&host);
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| trusted || policy.allows_ip(addr.ip()))
                .collect();
            if allowed.is_empty() {
                tracing::warn!(%host, "refused to connect: the host resolves to internal addresses only");
                return Err("the host resolves to no allowed address".into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// IPv4-mapped and IPv4-compatible IPv6 addresses are checked as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// Addresses a provider request must not reach by default.
pub fn is_internal(ip: IpAddr) -> bool {
    const V4: &[(Ipv4Addr, u8)] = &[
        (Ipv4Addr::new(0, 0, 0, 0), 8),      // "this network", 0.0.0.0
        (Ipv4Addr::new(10, 0, 0, 0), 8),     // private
        (Ipv4Addr::new(100, 64, 0, 0), 10),  // CGNAT
        (Ipv4Addr::new(127, 0, 0, 0), 8),    // loopback
        (Ipv4Addr::new(169, 254, 0, 0), 16), // link-local, cloud metadata
        (Ipv4Addr::new(172, 16, 0, 0), 12),  // private
        (Ipv4Addr::new(192, 0, 0, 0), 24),   // IETF protocol assignments
        (Ipv4Addr::new(192, 168, 0, 0), 16), // private
        (Ipv4Addr::new(198, 18, 0, 0), 15),  // benchmarking
        (Ipv4Addr::new(224, 0, 0, 0), 4),    // multicast
        (Ipv4Addr::new(240, 0, 0, 0), 4),    // reserved, broadcast
    ];
    const V6: &[(Ipv6Addr, u8)] = &[
        (Ipv6Addr::UNSPECIFIED, 128),
        (Ipv6Addr::LOCALHOST, 128),
        (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 96), // IPv4-compatible (deprecated)
        (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96), // NAT64: could reach any IPv4
        (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16), // 6to4
        (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7), // unique local, fd00:ec2::254
        (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10), // link-local
        (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10), // site-local (deprecated)
        (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8), // multicast
    ];
    match canonical(ip) {
        IpAddr::V4(v4) => V4
            .iter()
            .any(|(net, bits)| in_net(IpAddr::V4(v4), IpAddr::V4(*net), *bits)),
        IpAddr::V6(v6) => V6
            .iter()
            .any(|(net, bits)| in_net(IpAddr::V6(v6), IpAddr::V6(*net), *bits)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_refused_by_default() {
        let policy = EgressPolicy::default();
        for internal in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "169.254.169.254",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "fd00:ec2::254",
            "fe80::1",
            "ff02::1",
        ] {
            assert!(!policy.allows_ip(ip(internal)), "{internal}");
        }
        for public in ["8.8.8.8", "104.18.7.192", "2606:4700::6810:7c0"] {
            assert!(policy.allows_ip(ip(public)), "{public}");
        }
    }

    #[test]
    fn the_allow_list_takes_names_ips_and_ranges() {
        let policy =
            EgressPolicy::new(&["127.0.0.1", "10.0.0.0/8", "[fd00::1]", "LLM.internal."]).unwrap();
        assert!(policy.allows_ip(ip("127.0.0.1")));
        assert!(!policy.allows_ip(ip("127.0.0.2")));
        assert!(policy.allows_ip(ip("10.200.3.4")));
        assert!(policy.allows_ip(ip("fd00::1")));
        assert!(!policy.allows_ip(ip("169.254.169.254")));
        assert!(policy.allows_host("llm.internal"));
        assert!(!policy.allows_host("other.internal"));
        assert!(EgressPolicy::new(&["10.0.0.0/33"]).is_err());
        assert!(EgressPolicy::new(&["http://x"]).is_err());
    }

    #[test]
    fn base_urls_are_validated_and_normalised() {
        let policy = EgressPolicy::default();
        assert_eq!(
            policy.check_url(" https://API.openai.com/v1/ ").unwrap(),
            "https://api.openai.com/v1"
        );
        for refused in [
            "http://127.0.0.1:8080/v1",
            "http://[::1]:8080/v1",
            "http://2130706433/v1",
            "http://0x7f.1/v1",
            "http://0.0.0.0/v1",
            "http://169.254.169.254/latest",
            "http://[fd00:ec2::254]/",
            "http://[::ffff:7f00:1]/",
            "http://user:pass@api.example.com/v1",
            "http://api.example.com/v1?",
            "http://api.example.com/v1#x",
            "ftp://api.example.com/v1",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(policy.check_url(refused).is_err(), "{refused}");
        }
        assert_eq!(
            without_userinfo("http://user:pass@api.example.com/v1"),
            "http://api.example.com/v1"
        );
        assert_eq!(
            without_userinfo("https://a.example/v1"),
            "https://a.example/v1"
        );
        let local = EgressPolicy::new(&["127.0.0.1"]).unwrap();
        assert_eq!(
            local.check_url("http://127.0.0.1:8081/v1").unwrap(),
            "http://127.0.0.1:8081/v1"
        );
    }
}
