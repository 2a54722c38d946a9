# The two quick-start commands: `make demo` and `make test`.
.PHONY: demo test build clean

# Build, generate the sample lake, run every job over it, print tables and checks.
demo:
	bin/demo

# Every test: unit, Spark and process tests of both modules (which also build the jar) and the
# production tests (*IT: s3a on S3Proxy, a standalone cluster from the pinned pyspark, faults),
# then the Python side in its own virtual environment (bin/pyenv): the DAGs under real Airflow,
# an end-to-end nightly run whose warehouse (build/dag-e2e) the notebooks are executed against.
test:
	spark_home="$$(bin/pyenv --spark-home)" && mvn -B verify -Dcommunity.spark.home="$$spark_home"
	$$(bin/pyenv) -m pytest -p no:cacheprovider airflow-dags/tests
	COMMUNITY_WAREHOUSE=$(CURDIR)/build/dag-e2e/warehouse $$(bin/pyenv) -m pytest \
	  -p no:cacheprovider notebooks/tests

build:
	mvn -q -B -DskipTests install

clean:
	mvn -q -B clean
	rm -rf data logs build
