package varstore

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// entryCNs returns (owner, common name) for every X.509 entry in data.
func entryCNs(t *testing.T, data []byte) []string {
	t.Helper()
	lists, err := ParseSignatureLists(data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range lists {
		if len(l.Entries) != 1 {
			t.Errorf("ESL with %d entries, want 1", len(l.Entries))
		}
		for _, e := range l.Entries {
			if l.Type != CertX509GUID {
				out = append(out, guidNames[e.Owner]+" sha256")
				continue
			}
			c, err := x509.ParseCertificate(e.Data)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, guidNames[e.Owner]+" "+c.Subject.CommonName)
		}
	}
	return out
}

func TestNewContents(t *testing.T) {
	c := throwAway(t)
	tests := []struct {
		kind     Kind
		wantVars []string // name, in write order
		wantKEK  []string
		wantDB   []string
		wantSB   SecureBootStatus
	}{
		{Blank, nil, nil, nil, SecureBootStatus{SetupMode: true}},
		{
			Microsoft,
			[]string{"CustomMode", "KEK", "PK", "SecureBootEnable", "db", "dbx"},
			[]string{"Manx throw-away KEK", "Microsoft Microsoft Corporation KEK CA 2011", "Microsoft Microsoft Corporation KEK 2K CA 2023"},
			[]string{
				"Microsoft Microsoft Windows Production PCA 2011",
				"Microsoft Microsoft Corporation UEFI CA 2011",
				"Microsoft Windows UEFI CA 2023",
				"Microsoft Microsoft UEFI CA 2023",
				"Microsoft Microsoft Option ROM UEFI CA 2023",
			},
			SecureBootStatus{SecureBootEnable: 1, SecureBoot: true},
		},
		{
			Custom,
			[]string{"CustomMode", "KEK", "PK", "SecureBootEnable", "db", "dbx"},
			[]string{"Manx throw-away KEK"},
			[]string{"Manx throw-away db 1", "Manx throw-away db 2"},
			SecureBootStatus{SecureBootEnable: 1, SecureBoot: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			s := mustNew(t, tt.kind, c)
			var names []string
			for _, v := range s.Variables {
				names = append(names, v.Name)
			}
			if diff := cmp.Diff(tt.wantVars, names); diff != "" {
				t.Errorf("New(%v) variables mismatch (-want +got):\n%s", tt.kind, diff)
			}
			if got := s.SecureBootStatus(); got != tt.wantSB {
				t.Errorf("New(%v).SecureBootStatus() = %+v, want %+v", tt.kind, got, tt.wantSB)
			}
			if tt.kind == Blank {
				return
			}
			at := EFITime{Year: 2010, Month: 1, Day: 1}
			sum := sha256.Sum256(nil)
			want := map[string]struct {
				guid GUID
				attr Attr
				time EFITime
			}{
				"PK":               {GlobalVariableGUID, 0x27, at},
				"KEK":              {GlobalVariableGUID, 0x27, at},
				"db":               {ImageSecurityDatabaseGUID, 0x27, at},
				"dbx":              {ImageSecurityDatabaseGUID, 0x27, at},
				"SecureBootEnable": {SecureBootEnableGUID, 0x03, EFITime{}},
				"CustomMode":       {CustomModeGUID, 0x03, EFITime{}},
			}
			for _, v := range s.Variables {
				w := want[v.Name]
				if v.GUID != w.guid || v.Attributes != w.attr || v.Time != w.time {
					t.Errorf("%s: guid %s attr %s time %+v, want %s %s %+v", v.Name, FormatGUID(v.GUID), v.Attributes, v.Time, FormatGUID(w.guid), w.attr, w.time)
				}
			}
			pk, _ := s.Lookup("PK", GlobalVariableGUID)
			if diff := cmp.Diff([]string{"Manx throw-away PK"}, entryCNs(t, pk.Data)); diff != "" {
				t.Errorf("PK mismatch (-want +got):\n%s", diff)
			}
			kek, _ := s.Lookup("KEK", GlobalVariableGUID)
			if diff := cmp.Diff(tt.wantKEK, entryCNs(t, kek.Data)); diff != "" {
				t.Errorf("KEK mismatch (-want +got):\n%s", diff)
			}
			db, _ := s.Lookup("db", ImageSecurityDatabaseGUID)
			if diff := cmp.Diff(tt.wantDB, entryCNs(t, db.Data)); diff != "" {
				t.Errorf("db mismatch (-want +got):\n%s", diff)
			}
			dbx, _ := s.Lookup("dbx", ImageSecurityDatabaseGUID)
			lists, err := ParseSignatureLists(dbx.Data)
			if err != nil || len(lists) != 1 || lists[0].Type != CertSHA256GUID || len(lists[0].Entries) != 1 ||
				string(lists[0].Entries[0].Data) != string(sum[:]) || lists[0].Entries[0].Owner != PlaceholderDBXOwnerGUID {
				t.Errorf("dbx = %+v, %v, want one sha256(\"\") entry owned by %s", lists, err, FormatGUID(PlaceholderDBXOwnerGUID))
			}
			if sbe, _ := s.Lookup("SecureBootEnable", SecureBootEnableGUID); string(sbe.Data) != "\x01" {
				t.Errorf("SecureBootEnable = %x, want 01", sbe.Data)
			}
			if cm, _ := s.Lookup("CustomMode", CustomModeGUID); string(cm.Data) != "\x00" {
				t.Errorf("CustomMode = %x, want 00", cm.Data)
			}
		})
	}
}

func TestNewMicrosoftWithoutOwnKEK(t *testing.T) {
	c := throwAway(t)
	s := mustNew(t, Microsoft, Certs{PK: c.PK, DB: c.DB})
	kek, _ := s.Lookup("KEK", GlobalVariableGUID)
	want := []string{"Microsoft Microsoft Corporation KEK CA 2011", "Microsoft Microsoft Corporation KEK 2K CA 2023"}
	if diff := cmp.Diff(want, entryCNs(t, kek.Data)); diff != "" {
		t.Errorf("KEK mismatch (-want +got):\n%s", diff)
	}
}

func TestNewTime(t *testing.T) {
	c := throwAway(t)
	s, err := New(Custom, c, time.Date(2008, 2, 3, 4, 5, 6, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	pk, _ := s.Lookup("PK", GlobalVariableGUID)
	if want := (EFITime{Year: 2008, Month: 2, Day: 3, Hour: 4, Minute: 5, Second: 6}); pk.Time != want {
		t.Errorf("PK time = %+v, want %+v", pk.Time, want)
	}
}

func TestNewErrors(t *testing.T) {
	c := throwAway(t)
	tests := []struct {
		name  string
		kind  Kind
		certs Certs
		t     time.Time
		is    error
	}{
		{"unknown kind", Kind(9), c, testEpoch, ErrUnknownKind},
		{"zero time", Custom, c, time.Time{}, nil},
		{"custom without PK", Custom, Certs{KEK: c.KEK, DB: c.DB}, testEpoch, nil},
		{"ms without PK", Microsoft, Certs{KEK: c.KEK}, testEpoch, nil},
		{"custom without KEK", Custom, Certs{PK: c.PK, DB: c.DB}, testEpoch, nil},
		{"custom without db", Custom, Certs{PK: c.PK, KEK: c.KEK}, testEpoch, nil},
		{"duplicate db", Custom, Certs{PK: c.PK, KEK: c.KEK, DB: []*x509.Certificate{c.DB[0], c.DB[0]}}, testEpoch, nil},
		{"nil db", Custom, Certs{PK: c.PK, KEK: c.KEK, DB: []*x509.Certificate{nil}}, testEpoch, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.kind, tt.certs, tt.t)
			if err == nil {
				t.Fatalf("New(%v) = %d variables, want an error", tt.kind, len(s.Variables))
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("New(%v) error = %v, want errors.Is %v", tt.kind, err, tt.is)
			}
		})
	}
}

func TestKindNames(t *testing.T) {
	for _, k := range Kinds {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v, want %v", k.String(), got, err, k)
		}
	}
	if _, err := ParseKind("microsoft"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("ParseKind(microsoft) error = %v, want ErrUnknownKind", err)
	}
	want := map[string]string{"blank": "OVMF_VARS_BLANK.fd", "ms": "OVMF_VARS_MS.json", "custom": "OVMF_VARS_CUSTOM.fd"}
	got := map[string]string{"blank": FileName(Blank, Raw), "ms": FileName(Microsoft, JSON), "custom": FileName(Custom, Raw)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FileName mismatch (-want +got):\n%s", diff)
	}
}

func TestSecureBootStatus(t *testing.T) {
	pk := Variable{Name: "PK", GUID: GlobalVariableGUID, Attributes: 0x27, Data: []byte{1}}
	sbe := func(b byte) Variable {
		return Variable{Name: "SecureBootEnable", GUID: SecureBootEnableGUID, Attributes: 3, Data: []byte{b}}
	}
	tests := []struct {
		name string
		vars []Variable
		want SecureBootStatus
	}{
		{"empty", nil, SecureBootStatus{SetupMode: true}},
		{"PK only", []Variable{pk}, SecureBootStatus{SecureBootEnable: 1, Defaulted: true, SecureBoot: true}},
		{"PK, SBE=0", []Variable{pk, sbe(0)}, SecureBootStatus{}},
		{"no PK, SBE=1", []Variable{sbe(1)}, SecureBootStatus{SetupMode: true, SecureBootEnable: 1}},
	}
	for _, tt := range tests {
		s := &Store{Variables: tt.vars}
		if got := s.SecureBootStatus(); got != tt.want {
			t.Errorf("%s: SecureBootStatus() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
