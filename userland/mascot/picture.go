package mascot

// picture is the cat, bottom layer first, in design units (0..1000, y down).
// A Manx cat has no tail.
var picture = buildPicture()

func buildPicture() []layer {
	var p []layer
	add := func(c layerColour, s ...shape) {
		for _, sh := range s {
			p = append(p, newLayer(sh, c))
		}
	}
	both := func(c layerColour, s shape) { add(c, s, mirror(s)) }

	// Body, belly, paws.
	add(fur, ellipse{500, 650, 235, 205})
	both(stripe, capsule{285, 600, 330, 590, 14})
	both(stripe, capsule{280, 660, 325, 655, 14})
	both(stripe, capsule{290, 720, 330, 720, 14})
	add(cream, ellipse{500, 690, 120, 150})
	both(cream, ellipse{405, 845, 75, 42})
	both(stripe, capsule{385, 845, 385, 870, 5})
	both(stripe, capsule{425, 845, 425, 870, 5})

	// Ears, then the head over their base.
	both(fur, triangle{290, 300, 320, 110, 440, 215})
	both(pink, triangle{318, 272, 334, 152, 412, 222})
	add(fur, ellipse{500, 370, 225, 185})
	add(stripe, capsule{500, 200, 500, 262, 13})
	both(stripe, capsule{452, 208, 462, 255, 12})
	both(stripe, capsule{290, 340, 335, 345, 10})
	both(stripe, capsule{285, 380, 330, 380, 10})

	// Eyes.
	both(eyeGreen, ellipse{415, 365, 52, 60})
	both(ink, ellipse{415, 370, 18, 48})
	both(white, ellipse{432, 338, 12, 12})

	// Cheeks, muzzle, nose, mouth, whiskers.
	both(pink, ellipse{352, 455, 32, 18})
	both(cream, ellipse{462, 458, 55, 42})
	add(pink, triangle{472, 425, 528, 425, 500, 455})
	add(ink, capsule{500, 455, 500, 468, 5})
	both(ink, capsule{500, 468, 488, 482, 5})
	both(ink, capsule{488, 482, 472, 473, 5})
	both(ink, capsule{420, 452, 250, 422, 4})
	both(ink, capsule{420, 468, 245, 474, 4})
	both(ink, capsule{420, 484, 255, 522, 4})

	// The word MANX.
	add(textColour, text("MANX", 500, 888, 12)...)
	return p
}
