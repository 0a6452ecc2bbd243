package kverify

import (
	"path"
	"strings"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// site is one attach point of the source, spelt as bpftrace spells the
// programs it generates for it.
type site struct {
	probe   int // the position of its probe among the source's probes
	ap      *syntax.AttachPoint
	prov    provider
	known   bool
	pattern string // the sanitised attach point after the provider; '*' matches anything
	label   string // the sanitised name= label (bpftrace 0.26), which replaces the name
	index   int    // the probe index of the programs placed here; 0 none yet
}

// locate places each program at the attach point it was generated from.
//
// bpftrace 0.20–0.23 emit no source lines, so the programs' names are all
// there is: the attach point, sanitised and expanded (wildcards, aliases),
// and a probe index that grows in source order. An attach point gets one
// index, shared by the attach points of its probe unless bpftrace expanded
// them apart. So programs are taken index by index, each group at the first
// probe from the previous group's on whose attach points match the names
// and have no other index yet; when no name matches (a relative uprobe path,
// an address written in hex) the first such probe of the same kind is
// taken instead.
func locate(programs []*planned, src *source.File, modern bool) {
	sites, probes := attachSites(src)
	cursor := 0
	for from := 0; from < len(programs); {
		to := from + 1
		for to < len(programs) && programs[to].Index == programs[from].Index {
			to++
		}
		group := programs[from:to]
		from = to
		if group[0].Index == 0 {
			// Without an index the order says nothing: names alone.
			for _, p := range group {
				if s := findSite(sites, p, -1, 0, byName); s != nil {
					place(p, s, src, modern)
				}
			}
			continue
		}
		probe := chooseProbe(sites, probes, group, cursor)
		if probe < 0 {
			continue
		}
		cursor = probe
		for _, p := range group {
			s := findSite(sites, p, probe, p.Index, byName)
			if s == nil {
				s = findSite(sites, p, probe, p.Index, byKind)
			}
			if s == nil {
				continue
			}
			s.index = p.Index
			place(p, s, src, modern)
		}
	}
}

// chooseProbe returns the first probe from cursor on where every program
// of group has a free attach point, matching by name if any probe does,
// else by kind; -1 when none.
func chooseProbe(sites []*site, probes int, group []*planned, cursor int) int {
	for _, match := range []func(*site, *planned) bool{byName, byKind} {
		for probe := cursor; probe < probes; probe++ {
			all := true
			for _, p := range group {
				all = all && findSite(sites, p, probe, p.Index, match) != nil
			}
			if all {
				return probe
			}
		}
	}
	return -1
}

// findSite returns an attach point of probe (any probe when probe is -1)
// that matches p and is free for index (any when index is 0).
func findSite(sites []*site, p *planned, probe, index int, match func(*site, *planned) bool) *site {
	for _, s := range sites {
		if (probe < 0 || s.probe == probe) && (index == 0 || s.index == 0 || s.index == index) && match(s, p) {
			return s
		}
	}
	return nil
}

// byName matches a program whose name spells the attach point.
func byName(s *site, p *planned) bool {
	if s.label != "" {
		return s.label == p.sec.base
	}
	if !s.known || !p.sec.known || s.prov.kind != p.sec.prov.kind {
		return false
	}
	ok, err := path.Match(s.pattern, p.sec.rest)
	return err == nil && ok
}

// byKind matches a program of the attach point's provider.
func byKind(s *site, p *planned) bool {
	return s.known && p.sec.known && s.prov.kind == p.sec.prov.kind
}

// place records that p was generated from s. A program whose name did not
// say its provider (a labelled attach point) takes the attach point's.
func place(p *planned, s *site, src *source.File, modern bool) {
	pos := src.Position(int(s.ap.Start))
	p.Probe, p.Line, p.Column = s.ap.Raw, pos.Line, pos.Column
	if p.sec.known || !s.known {
		return
	}
	p.sec.prov, p.sec.known, p.sec.rest = s.prov, true, strings.ReplaceAll(s.pattern, "*", "_")
	if modern && s.prov.kind == "rawtracepoint" {
		p.sec.prov = rawTracepointBTF
	}
	p.Kind, p.Type = p.sec.prov.kind, p.sec.prov.typ
}

// attachSites lists the attach points of src's probes in source order, and
// counts the probes.
func attachSites(src *source.File) ([]*site, int) {
	file, _ := syntax.Parse(src)
	var sites []*site
	probes := 0
	for _, d := range file.Decls {
		probe, ok := d.(*syntax.Probe)
		if !ok {
			continue
		}
		for _, ap := range probe.AttachPoints {
			prov, known := providers[ap.Provider]
			parts := strings.ReplaceAll(strings.Join(ap.Parts, ":"), `"`, "")
			s := &site{probe: probes, ap: ap, prov: prov, known: known, pattern: sanitizeGlob(parts)}
			if ap.Label != "" {
				s.label = sanitize(ap.Label)
			}
			sites = append(sites, s)
		}
		probes++
	}
	return sites, probes
}

// sanitizeGlob sanitises an attach point as bpftrace does its expansions,
// keeping '*' as a wildcard.
func sanitizeGlob(s string) string {
	words := strings.Split(s, "*")
	for i, w := range words {
		words[i] = sanitize(w)
	}
	return strings.Join(words, "*")
}
