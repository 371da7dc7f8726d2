// Package judge decides whether a test's output is the expected one, and the verdict of a test
// and of a judged run.
package judge
