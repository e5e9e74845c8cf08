// Command hello prints the version set with -X, for gobuild's tests.
package main

import "fmt"

var version = "unset"

func main() { fmt.Println(version) }
