# The two quick-start commands: `make demo` and `make test`.
.PHONY: demo test build clean

# Build, generate the sample lake, run every job over it, print tables and checks.
demo:
	bin/demo

# Every test: unit, Spark and process tests of both modules.
test:
	mvn -B verify

build:
	mvn -q -B -DskipTests install

clean:
	mvn -q -B clean
	rm -rf data logs
