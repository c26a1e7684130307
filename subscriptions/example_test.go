package subscriptions_test

import (
	"fmt"

	"newsdigest/subscriptions"
)

func ExampleParseZone() {
	for _, in := range []string{"asia/baghdad", "+05:30", "UTC-5", "القاهرة", "Mars/Olympus"} {
		zone, err := subscriptions.ParseZone(in)
		fmt.Printf("%s → %s %v\n", in, zone, err != nil)
	}
	// Output:
	// asia/baghdad → Asia/Baghdad false
	// +05:30 → Asia/Kolkata false
	// UTC-5 → Etc/GMT+5 false
	// القاهرة → Africa/Cairo false
	// Mars/Olympus →  true
}

func ExampleParseTime() {
	for _, in := range []string{"7:30", "٠٨:٠٠", "25:00"} {
		t, err := subscriptions.ParseTime(in)
		fmt.Printf("%s → %q %v\n", in, t, err != nil)
	}
	// Output:
	// 7:30 → "07:30" false
	// ٠٨:٠٠ → "08:00" false
	// 25:00 → "" true
}
