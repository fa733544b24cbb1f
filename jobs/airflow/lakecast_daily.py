"""Lakecast on Airflow: import the day's endpoint files, then run the campaign's due activity.

Each task is one `spark-submit` of the thin Lakecast jar, the same commands `scripts/lakecast` runs locally.
Set the Airflow Variables `lakecast_home` (a checkout with target/lakecast-<v>.jar and conf/),
`lakecast_application_id` and `lakecast_campaign_id`; Spark settings go in `conf={...}` as spark.lakecast.* keys.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

LAKECAST_HOME = Variable.get("lakecast_home", default_var="/opt/lakecast")
APPLICATION_ID = Variable.get("lakecast_application_id", default_var="")
CAMPAIGN_ID = Variable.get("lakecast_campaign_id", default_var="")
JAR = f"{LAKECAST_HOME}/target/lakecast-0.1.0-SNAPSHOT.jar"
CONF = {
    "spark.lakecast.warehouse": Variable.get("lakecast_warehouse", default_var="s3a://my-bucket/lakecast"),
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.session.timeZone": "UTC",
}


def jvm_options() -> str:
    """Spark 4's Java 17 flags from conf/jvm.properties, the one place Lakecast keeps them."""
    try:
        with open(f"{LAKECAST_HOME}/conf/jvm.properties") as f:
            for line in f:
                if line.startswith("lakecast.jvm.options="):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def lakecast(task_id: str, *args: str) -> SparkSubmitOperator:
    """One Lakecast command as a spark-submit task."""
    return SparkSubmitOperator(
        task_id=task_id,
        application=JAR,
        java_class="io.lakecast.cli.LakecastCli",
        properties_file=f"{LAKECAST_HOME}/conf/lakecast-defaults.conf",
        conf={**CONF, "spark.driver.extraJavaOptions": jvm_options()},
        application_args=list(args),
    )


with DAG(
    dag_id="lakecast_campaign",
    description="Import endpoints from S3, then run the Lakecast campaign activity that is due",
    start_date=datetime(2026, 11, 1),
    schedule="@daily",
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["lakecast", "pinpoint-migration"],
) as dag:
    import_endpoints = lakecast(
        "create_import_job",
        "create-import-job",
        "--application-id", APPLICATION_ID,
        "--import-job-request",
        json.dumps({"S3Url": "s3://my-bucket/endpoints/{{ ds }}/", "Format": "CSV", "RegisterEndpoints": True,
                    "RoleArn": "arn:aws:iam::000000000000:role/lakecast-import"}),
    )
    # run-campaign runs every occurrence due at the interval's end that has not completed (so a backfill catches up),
    # and is idempotent per occurrence: an Airflow retry never sends a message twice. run-due-campaigns does the same
    # for every campaign of the application.
    run_campaign = lakecast(
        "run_campaign",
        "run-campaign",
        "--application-id", APPLICATION_ID,
        "--campaign-id", CAMPAIGN_ID,
        "--at", "{{ data_interval_end.isoformat() }}",
    )
    import_endpoints >> run_campaign
