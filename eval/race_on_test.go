//go:build race

package eval

// raceOn: the race detector slows the engine ~10×; corpus-sized quality
// checks skip under it (`make test`) and run in plain `go test ./eval/`.
const raceOn = true
