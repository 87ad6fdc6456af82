package pgtest_test

import "runtime"

func runtimeGoexit() { runtime.Goexit() }
