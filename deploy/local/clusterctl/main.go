// Command clusterctl is the part of deploy/local/cluster that a shell script does badly:
// reading docker-compose.yml, so the local cluster runs the version, dynamic config and
// environment the compose stack runs, and creating the namespace through Temporal's API,
// since the temporal CLI is not installed here. It links the SDK only, never the server.
//
//	clusterctl settings -compose FILE           shell assignments from the compose file
//	clusterctl env -compose FILE -role ROLE ... a role's environment, for this machine
//	clusterctl namespace -address A ...         register the namespace and our search
//	                                            attributes, wait until both are served
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "settings":
		err = settingsCmd(os.Args[2:])
	case "env":
		err = envCmd(os.Args[2:])
	case "namespace":
		err = namespaceCmd(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "clusterctl:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: clusterctl settings|env|namespace [flags] (see deploy/local/cluster)")
	os.Exit(2)
}
