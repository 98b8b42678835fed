package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersionDescribe(t *testing.T) {
	checkout := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-05T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	tests := []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  string
	}{
		{"release", "v1.2.3", "fedcba9876543210fedcba9876543210fedcba98", "2026-12-01T00:00:00Z", checkout,
			"wsdesign v1.2.3 (fedcba987654)\ncommit   fedcba9876543210fedcba9876543210fedcba98\ndate     2026-12-01T00:00:00Z"},
		{"checkout", "", "", "", checkout,
			"wsdesign devel (0123456789ab-dirty)\ncommit   0123456789abcdef0123456789abcdef01234567 with uncommitted changes\ndate     2026-12-05T10:00:00Z"},
		{"go install of a tag", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			"wsdesign v1.4.0"},
		{"go run", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			"wsdesign devel: a development build, with no commit recorded (go run, or go build without -buildvcs=true)"},
		{"no build info", "", "", "", nil,
			"wsdesign devel: a development build, with no commit recorded (go run, or go build without -buildvcs=true)"},
	}
	for _, tc := range tests {
		if got := NewBuildInfo(tc.version, tc.commit, tc.date, tc.info).Describe(); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
