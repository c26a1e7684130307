package news

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// addrPolicy is the SSRF guard's address table: what a feed fetch may dial.
// It holds no state; the prefixes never change.
type addrPolicy struct {
	blocked []netip.Prefix // never public, whatever Go's classifiers say
	nat64   netip.Prefix   // well-known NAT64: the last 32 bits are an IPv4 address
	sixTo4  netip.Prefix   // 6to4: bits 16–47 are an IPv4 address
}

func newAddrPolicy() addrPolicy {
	return addrPolicy{
		blocked: mustPrefixes(
			"0.0.0.0/8",      // "this network"; 0.0.0.0 reaches the local host on Linux
			"100.64.0.0/10",  // carrier-grade NAT, internal like RFC 1918 space
			"192.0.0.0/24",   // IETF protocol assignments (DS-Lite, NAT64 discovery)
			"198.18.0.0/15",  // benchmarking networks
			"240.0.0.0/4",    // reserved, and the broadcast address
			"::/96",          // IPv4-compatible ::a.b.c.d (deprecated), also :: and ::1
			"64:ff9b:1::/48", // local-use NAT64: the operator picks where the IPv4 sits, so it cannot be checked
			"fec0::/10",      // site-local (deprecated, still routed inside some sites)
		),
		nat64:  netip.MustParsePrefix("64:ff9b::/96"),
		sixTo4: netip.MustParsePrefix("2002::/16"),
	}
}

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// public reports whether a is a routable public unicast address. NAT64
// (64:ff9b::/96) and 6to4 (2002::/16) addresses are judged by the IPv4
// address they embed: a NAT64 of a public address is how IPv6-only hosts
// reach IPv4-only sites, so it is allowed, while a NAT64 or 6to4 of
// 127.0.0.1 or 10.0.0.1 reaches that internal host and is refused.
func (p addrPolicy) public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	for _, b := range p.blocked {
		if b.Contains(a) {
			return false
		}
	}
	b := a.As16()
	switch {
	case p.nat64.Contains(a):
		return p.public(netip.AddrFrom4([4]byte(b[12:16])))
	case p.sixTo4.Contains(a):
		return p.public(netip.AddrFrom4([4]byte(b[2:6])))
	}
	return true
}

// publicAddr reports whether a feed fetch may dial a (see addrPolicy.public).
func publicAddr(a netip.Addr) bool { return newAddrPolicy().public(a) }

// CheckFeedHosts refuses, before anything is stored, feed URLs whose host
// is a non-public address: an IP literal the fetch guard would refuse, or
// "localhost" (and names under .localhost, which always mean loopback).
// `feeds add`, `feeds import` and the bot's OPML upload call it unless
// NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1, so a private address is refused at once
// as /addfeed's first fetch refuses it. Other names are not resolved here:
// what they resolve to may change, and the fetch checks every address it
// dials. The error is a *PrivateFeedsError naming every refused URL; a
// URL that does not parse is left to the caller's own validation.
func CheckFeedHosts(ctx context.Context, urls ...string) error {
	p := newAddrPolicy()
	var refused []string
	for _, raw := range urls {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("news: check feed hosts: %w", err)
		}
		if u, err := url.Parse(strings.TrimSpace(raw)); err == nil && !p.publicHost(u.Hostname()) {
			refused = append(refused, u.Redacted())
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return &PrivateFeedsError{URLs: refused}
}

// PrivateFeedsError lists the feed URLs CheckFeedHosts refused (passwords
// redacted). errors.Is(err, ErrPrivateAddress) is true for it.
type PrivateFeedsError struct{ URLs []string }

func (e *PrivateFeedsError) Error() string {
	return ErrPrivateAddress.Error() + ": " + strings.Join(e.URLs, ", ")
}

// Is makes errors.Is(err, ErrPrivateAddress) true.
func (e *PrivateFeedsError) Is(target error) bool { return target == ErrPrivateAddress }

// publicHost judges a URL's host without resolving it: only IP literals and
// the localhost names are known to be private.
func (p addrPolicy) publicHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	h, _, _ := strings.Cut(host, "%") // a zone (fe80::1%eth0) does not change the address
	a, err := netip.ParseAddr(h)
	if err != nil {
		var ok bool
		if a, ok = looseIPv4(h); !ok {
			return true // a name: the fetch checks what it resolves to
		}
	}
	return p.public(a)
}

// looseIPv4 reads the numeric IPv4 forms inet_aton accepts and netip does
// not: "127.1", "0x7f000001", "2130706433", "0177.0.0.1". A resolver that
// goes through getaddrinfo dials them as addresses, so they are judged as
// addresses here (the connect-time check would refuse them later anyway).
func looseIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var ip uint64
	for i, part := range parts {
		v, err := strconv.ParseUint(part, 0, 32) // base 0: 0x hex, leading-0 octal, as inet_aton
		if err != nil {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if v > 0xff {
				return netip.Addr{}, false
			}
			ip |= v << (24 - 8*i)
			continue
		}
		if v >= 1<<(8*(5-len(parts))) { // the last part fills the remaining bytes
			return netip.Addr{}, false
		}
		ip |= v
	}
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true
}
