// The web server of the TP's final challenge. It answers every request on port 8080; run with
// -sonde, it checks instead that the server of its container answers, and exits with 0 if so,
// 1 otherwise (a test of health that needs no curl, nor any shell).
// Standard library only: build it with `go build main.go`, no go.mod needed.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

const address = ":8080"

func main() {
	probe := flag.Bool("sonde", false, "interroge le serveur local (http://127.0.0.1:8080/) et sort avec 0 s'il répond, 1 sinon")
	flag.Parse()
	if *probe {
		os.Exit(check())
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "Bonjour du défi Produpot")
	})
	log.Printf("serveur du défi Produpot à l'écoute sur %s (uid %d)", address, os.Getuid())
	log.Fatal(http.ListenAndServe(address, nil))
}

// check asks the local server for its page: 0 when it answers 200, 1 otherwise.
func check() int {
	client := http.Client{Timeout: 2 * time.Second}
	response, err := client.Get("http://127.0.0.1" + address + "/")
	if err != nil {
		fmt.Fprintln(os.Stderr, "sonde :", err)
		return 1
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "sonde : réponse", response.Status)
		return 1
	}
	fmt.Println("sonde : le serveur répond")
	return 0
}
