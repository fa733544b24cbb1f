"""Lakecast's daily run on Airflow: import the day's endpoint files, run every campaign occurrence that is due, then
stream the application's new events to its event stream.

Each task is one `spark-submit` of the thin Lakecast jar through `SparkSubmitOperator` and the `spark_default`
connection (its host is the master: `spark://host:7077`, `yarn` or `local[2]`; `spark-submit` must be on the PATH).
Nothing is read when the DAG file is parsed: the Airflow Variables below are templates rendered when a task runs.

Variables:
  lakecast_home              a Lakecast checkout or install holding target/lakecast-<version>.jar and conf/
  lakecast_application_id    the application whose endpoints and campaigns this DAG runs
  lakecast_warehouse         the warehouse root, e.g. s3a://my-bucket/lakecast
  lakecast_endpoints_url     where endpoint files land; a run imports the folder <url>/<ds>/ of its logical date
  lakecast_endpoints_format  CSV (default) or JSON
  lakecast_kinesis_endpoint  optional: the Kinesis API endpoint of the event stream (default: AWS's, by region);
                             credentials come from the AWS SDK's default chain of the worker

A day with no files is not a failure: the import completes with zero records (--allow-empty) and the campaigns still
run. `run-due-campaigns --at <the run's logical date>` runs every occurrence due by then that has not run yet, so a
backfill or a retry catches up without sending anything twice. `stream-events` then delivers the events stored
since the stream's watermark (the day's campaign sends among them); an application without an event stream
(put-event-stream) delivers nothing (--allow-no-stream). It runs after the campaigns, never beside them: the
watermark follows the events' arrival in the store.
"""
from __future__ import annotations

import glob
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

HOME = "{{ var.value.lakecast_home }}"
APPLICATION_ID = "{{ var.value.lakecast_application_id }}"


def lakecast_jar(home: str) -> str:
    """The thin jar under <home>/target (not the -all jar, not Maven's original-)."""
    jars = [j for j in glob.glob(os.path.join(home, "target", "lakecast-*.jar")) if not j.endswith("-all.jar")]
    if not jars:
        raise FileNotFoundError(f"LakecastJarMissing: no target/lakecast-<version>.jar under {home} "
                                "(build it with mvn -DskipTests package)")
    return sorted(jars)[-1]


def jvm_options(home: str) -> str:
    """Spark 4's Java 17 flags from conf/jvm.properties, the one place Lakecast keeps them."""
    with open(os.path.join(home, "conf", "jvm.properties")) as f:
        for line in f:
            if line.startswith("lakecast.jvm.options="):
                return line.split("=", 1)[1].strip()
    return ""


def lakecast(task_id: str, *args: str, conf: dict | None = None) -> SparkSubmitOperator:
    """One Lakecast command as a spark-submit task; its JSON result is in the task's log."""
    return SparkSubmitOperator(
        task_id=task_id,
        conn_id="spark_default",
        application="{{ lakecast_jar(var.value.lakecast_home) }}",
        java_class="io.lakecast.cli.LakecastCli",
        properties_file=HOME + "/conf/lakecast-defaults.conf",
        conf={
            "spark.lakecast.warehouse": "{{ var.value.lakecast_warehouse }}",
            "spark.driver.extraJavaOptions": "{{ jvm_options(var.value.lakecast_home) }}",
            **(conf or {}),
        },
        application_args=list(args),
    )


with DAG(
    dag_id="lakecast_daily",
    description="Import the day's endpoint files, run every due Lakecast campaign occurrence, stream the new events",
    start_date=datetime(2026, 11, 1),
    schedule="@daily",
    catchup=False,
    max_active_runs=1,
    # LAKECAST_DAG_RETRIES (an environment variable of the DAG processor, not a Variable) lets a test fail fast.
    default_args={"retries": int(os.environ.get("LAKECAST_DAG_RETRIES", "2")), "retry_delay": timedelta(minutes=5)},
    user_defined_macros={"lakecast_jar": lakecast_jar, "jvm_options": jvm_options},
    tags=["lakecast", "pinpoint-migration"],
) as dag:
    import_endpoints = lakecast(
        "import_endpoints",
        "create-import-job", "--application-id", APPLICATION_ID, "--allow-empty",
        "--import-job-request",
        '{"S3Url": "{{ var.value.lakecast_endpoints_url }}/{{ ds }}/", '
        '"Format": "{{ var.value.get(\'lakecast_endpoints_format\', \'CSV\') }}", "RegisterEndpoints": true, '
        '"RoleArn": "arn:aws:iam::000000000000:role/lakecast-import"}',
    )
    run_due_campaigns = lakecast(
        "run_due_campaigns",
        "run-due-campaigns", "--application-id", APPLICATION_ID, "--at", "{{ logical_date.isoformat() }}",
    )
    stream_events = lakecast(
        "stream_events",
        "stream-events", "--application-id", APPLICATION_ID, "--allow-no-stream",
        conf={"spark.lakecast.stream.kinesis.endpoint": "{{ var.value.get('lakecast_kinesis_endpoint', '') }}"},
    )
    import_endpoints >> run_due_campaigns >> stream_events
