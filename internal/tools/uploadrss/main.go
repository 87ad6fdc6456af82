// Command uploadrss fires N concurrent 2 MiB uploads (as the demo client
// user) at a running `backoffice serve -demo` and prints the answers by
// status. With -retry a 429 is retried after a second, so every upload
// lands. docs/BENCHMARKS.md §6 reads the server's peak RSS (VmHWM) around
// it. -n 0 only checks that the login works.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:18081", "")
	n := flag.Int("n", 100, "")
	retry := flag.Bool("retry", false, "retry a 429 after its Retry-After")
	flag.Parse()
	body, _ := json.Marshal(map[string]string{"email": "kees@korenschoof.example.nl", "password": "demo-wachtwoord"})
	res, err := http.Post(*base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	var s struct{ Token string }
	_ = json.NewDecoder(res.Body).Decode(&s)
	res.Body.Close()
	if s.Token == "" {
		fmt.Println("login failed", res.Status)
		os.Exit(1)
	}
	content := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 2<<20-200)...)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("title", "Belasting")
	fw, _ := mw.CreateFormFile("file", "groot.pdf")
	_, _ = fw.Write(content)
	_ = mw.Close()
	payload := buf.Bytes()
	counts := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range *n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := -1
			for {
				req, _ := http.NewRequest(http.MethodPost, *base+"/api/v1/documents", bytes.NewReader(payload))
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Authorization", "Bearer "+s.Token)
				res, err := http.DefaultClient.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					code = res.StatusCode
				}
				if code != http.StatusTooManyRequests || !*retry {
					break
				}
				time.Sleep(time.Second)
			}
			mu.Lock()
			counts[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Println("answers:", counts)
}
