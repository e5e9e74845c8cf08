package ovmf

import "encoding/binary"

type testEntry struct {
	guid GUID
	data []byte
}

// buildImage returns a zero image of size bytes whose footer table holds entries in
// file order, followed by the footer entry. total overrides the footer's length
// field when non-zero.
func buildImage(size int, total uint16, entries ...testEntry) []byte {
	img := make([]byte, size)
	footer := size - footerEndGap - entryHeadSize
	pos := footer
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		pos -= len(e.data) + entryHeadSize
		copy(img[pos:], e.data)
		binary.LittleEndian.PutUint16(img[pos+len(e.data):], uint16(len(e.data)+entryHeadSize))
		copy(img[pos+len(e.data)+2:], e.guid[:])
	}
	if total == 0 {
		total = uint16(footer - pos + entryHeadSize)
	}
	binary.LittleEndian.PutUint16(img[footer:], total)
	copy(img[footer+2:], GUIDFooter[:])
	return img
}

// put copies b into img at dist bytes before the end and returns img.
func put(img []byte, dist int, b []byte) []byte {
	copy(img[len(img)-dist:], b)
	return img
}

func le32(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// asev returns an SEV metadata block with the given version and sections; length
// overrides the header's length field when non-zero.
func asev(version, length uint32, sections ...Section) []byte {
	if length == 0 {
		length = uint32(metadataHeaderSize + descriptorSize*len(sections))
	}
	b := append([]byte(metadataSignature), le32(length, version, uint32(len(sections)))...)
	for _, s := range sections {
		b = append(b, le32(s.GPA, s.Size, uint32(s.Type))...)
	}
	return b
}
