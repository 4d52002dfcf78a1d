//go:build !lean

package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/bench"
)

func (a *app) benchChartCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chart FILE.json...",
		Short: "Draw an SVG of throughput and latency as N grows from bench result files",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("%s needs the JSON files written by bench --out, e.g. sellmigrate bench chart --out docs/performance.svg bench-100.json bench-1000.json", c.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			out, _ := cmd.Flags().GetString("out")
			var results []bench.Result
			for _, path := range args {
				body, err := os.ReadFile(path)
				if err != nil {
					return fmt.Errorf("read %s: %w", path, err)
				}
				var r bench.Result
				if err := json.Unmarshal(body, &r); err != nil {
					return fmt.Errorf("%s is not a bench result (%v); give files written by sellmigrate bench --out", path, err)
				}
				results = append(results, r)
			}
			svg, err := bench.Chart(results)
			if err != nil {
				return err
			}
			if out == "" {
				a.out("%s", svg)
				return nil
			}
			if err := os.WriteFile(out, []byte(svg), 0o644); err != nil {
				return fmt.Errorf("write the chart to %s: %w", out, err)
			}
			return nil
		},
	}
	cmd.Flags().String("out", "", "write the SVG to this file (default stdout)")
	return cmd
}
