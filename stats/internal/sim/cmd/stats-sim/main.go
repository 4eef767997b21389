// Command stats-sim runs the interval simulation of docs/STATISTICS.md
// (`make stats-sim`) and prints its tables in Markdown: the verdict of every
// method against the criteria of issue 9, then every cell.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"persepsi/stats/internal/sim"
)

func main() {
	cfg := sim.DefaultConfig()
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the generators")
	flag.IntVar(&cfg.Reps, "reps", cfg.Reps, "samples per population and n")
	flag.IntVar(&cfg.BootReps, "boot-reps", cfg.BootReps, "samples per population and n for the resampling methods")
	flag.IntVar(&cfg.Workers, "workers", cfg.Workers, "goroutines")
	cells := flag.Bool("cells", false, "also print every cell")
	flag.Parse()

	start := time.Now()
	res := sim.Run(cfg)
	fmt.Printf("seed %d, %d samples per cell (%d for the resampling methods, %d resamples each), %s\n\n",
		cfg.Seed, cfg.Reps, cfg.BootReps, sim.Resamples, time.Since(start).Round(time.Second))
	sim.WriteVerdicts(os.Stdout, sim.Judge(res, sim.DefaultCriteria), sim.DefaultCriteria)
	if *cells {
		fmt.Println()
		sim.WriteCells(os.Stdout, res)
	}
}
