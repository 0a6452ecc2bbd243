package dialect

import (
	"regexp"
	"testing"
)

var featureID = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// TestFeatureTable checks every row: a unique, well-formed ID that Lookup
// finds, a name and description, boundaries inside the modelled range, and
// refinements that point at a real, older or equal feature.
func TestFeatureTable(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Features() {
		id := f.ID()
		if !featureID.MatchString(id) || seen[id] {
			t.Errorf("%d: bad or duplicate id %q", f, id)
		}
		seen[id] = true
		if g, ok := Lookup(id); !ok || g != f {
			t.Errorf("Lookup(%q) = %v, %v", id, g, ok)
		}
		if f.Name() == "" || f.Doc() == "" || f.String() != id {
			t.Errorf("%s: missing name or doc", id)
		}
		since, until := f.Since(), f.Until()
		if since.IsZero() == until.IsZero() {
			t.Errorf("%s: exactly one of since (%s) and until (%s) must be set", id, since, until)
		}
		for _, v := range []Version{since, until} {
			if !v.IsZero() && (v.Less(Oldest) || Newest.Less(v) || v == Oldest) {
				t.Errorf("%s: boundary %s is not a version after %s up to %s", id, v, Oldest, Newest)
			}
		}
		if r := f.Refines(); r != 0 && (!r.valid() || f.Since().Less(r.Since())) {
			t.Errorf("%s: refines %v, which is invalid or newer", id, r)
		}
	}
	if len(seen) != int(featureEnd)-1 {
		t.Errorf("%d features listed, table has %d rows", len(seen), featureEnd-1)
	}
	if _, ok := Lookup("no-such-feature"); ok {
		t.Error("Lookup found an unknown id")
	}
}

func TestHas(t *testing.T) {
	tests := []struct {
		v    Version
		f    Feature
		want bool
	}{
		{V(0, 23), FeatureElvis, false},
		{V(0, 26), FeatureElvis, true},
		{Version{0, 26, 1}, FeatureElvis, true},
		{Version{}, FeatureElvis, true},    // zero means Newest
		{V(0, 30), FeatureElvis, true},     // clamped to Newest
		{V(0, 12), FeatureOffsetof, false}, // clamped to Oldest
		{V(0, 23), FeatureUppercaseIntSuffix, true},
		{V(0, 24), FeatureUppercaseIntSuffix, false},
		{Version{0, 23, 5}, FeatureIfWithoutParens, false},
		{V(0, 25), FeatureIfWithoutParens, true},
		{V(0, 26), FeatureSigilTernaryStatement, false},
		{V(0, 26), Feature(0), false},
		{V(0, 26), featureEnd, false},
	}
	for _, tt := range tests {
		if got := Has(tt.v, tt.f); got != tt.want {
			t.Errorf("Has(%s, %s) = %v, want %v", tt.v, tt.f, got, tt.want)
		}
	}
}

// TestSemanticFeaturesExported pins the versions the semantic stage reads.
func TestSemanticFeaturesExported(t *testing.T) {
	if !FeatureDotOnPointer.Semantic() || FeatureDotOnPointer.Since() != V(0, 25) {
		t.Errorf("dot-on-pointer: semantic=%v since=%s", FeatureDotOnPointer.Semantic(), FeatureDotOnPointer.Since())
	}
	if FeatureElvis.Semantic() {
		t.Error("elvis is syntax")
	}
}
