# The two quick-start commands: `make demo` and `make test`.
.PHONY: demo test bench build clean

# Build, generate the sample lake, run every job over it, print tables and checks.
demo:
	bin/demo

# Every test (bin/test): the jar built once, then two streams at once on a copy of the build:
# one mvn verify (the unit, Spark and process tests of both modules, then the production tests,
# *IT: the nightly pipeline on s3a against S3Proxy and on a standalone cluster from the pinned
# pyspark, a job killed mid-write, concurrent runs), and the Python side in its own virtual
# environment (bin/pyenv): the DAGs under real Airflow with an end-to-end run of both nightly
# DAGs whose warehouse (build/dag-e2e) the notebooks are executed against, and the benchmark
# harness.
test:
	bin/test

# The benchmarks (bench/run): three scales of the nightly pipeline, history independence and
# model costs; figures to docs/benchmarks.json and the tables of docs/BENCHMARKS.md.
bench:
	bench/run

build:
	mvn -q -B -DskipTests install

clean:
	mvn -q -B clean
	rm -rf data logs build
