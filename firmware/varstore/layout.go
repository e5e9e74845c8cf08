package varstore

// Layout is the region map of an OVMF VARS flash image
// (edk2 OvmfPkg/Include/Fdf/VarStore.fdf.inc; docs/varstore.md §1.1).
type Layout struct {
	Name       string
	Size       int // whole file = FvLength
	StoreEnd   int // end of NV_VARIABLE_STORE (FV header + variable store)
	FTWWorking int // offset of NV_FTW_WORKING; NV_EVENT_LOG lies before it
	FTWSize    int // size of NV_FTW_WORKING
	// MaxVariableSize and MaxAuthVariableSize bound one record (header +
	// name + data), as PcdMaxVariableSize/PcdMaxAuthVariableSize in OvmfPkgX64.dsc.
	MaxVariableSize     int
	MaxAuthVariableSize int
}

// Layout4M is the 4 MiB build's VARS (OVMF_VARS_4M.fd, 540,672 bytes), the
// layout Manx ships.
var Layout4M = Layout{
	Name:                "4M",
	Size:                0x84000,
	StoreEnd:            0x40000,
	FTWWorking:          0x41000,
	FTWSize:             0x1000,
	MaxVariableSize:     0x8400,
	MaxAuthVariableSize: 0x8400,
}

// Layout2M is the 2 MiB build's VARS (OVMF_VARS.fd, 131,072 bytes); kept
// for parsing and self-tests against Debian's images.
var Layout2M = Layout{
	Name:                "2M",
	Size:                0x20000,
	StoreEnd:            0xE000,
	FTWWorking:          0xF000,
	FTWSize:             0x1000,
	MaxVariableSize:     0x2000,
	MaxAuthVariableSize: 0x2800,
}

// knownLayouts are tried in order when parsing.
var knownLayouts = []Layout{Layout4M, Layout2M}

// Fixed header values (docs/varstore.md §1.2-1.5).
const (
	blockSize        = 0x1000
	fvHeaderLen      = 0x48
	fvSignature      = 0x4856465F // "_FVH"
	fvAttributes     = 0x0004FEFF
	fvRevision       = 2
	storeHeaderLen   = 28
	storeFormatted   = 0x5A
	storeHealthy     = 0xFE
	authVarHeaderLen = 60
	varHeaderLen     = 32 // plain VARIABLE_HEADER, parse only
	varStartID       = 0x55AA
	varAdded         = 0x3F // VAR_ADDED, live
	varInTransition  = 0x3E // VAR_ADDED & VAR_IN_DELETED_TRANSITION
	ftwHeaderLen     = 32
	ftwStateValid    = 0xFE // WorkingBlockValid=0, WorkingBlockInvalid=1
	varAlign         = 4
)
