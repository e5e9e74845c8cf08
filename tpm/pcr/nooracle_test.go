//go:build !oracle

package pcr

// oracleRequired makes a missing oracle tool a failure, not a skip.
const oracleRequired = false
