// A tiny program for the multi-stage build step: compiled in a Go image, run from scratch.
package main

import "fmt"

func main() {
	fmt.Println("Bonjour depuis un binaire Go, dans une image construite en multi-stage !")
}
