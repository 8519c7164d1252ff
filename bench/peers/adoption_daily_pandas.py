"""The script an analyst would write instead of the job, with pandas: DESIGN §1.1's adoption_daily for one night,
from the night's Graph user-detail and Copilot CSVs and subscriptions.json, written to a CSV file. The benchmark
times it as a whole command beside `adoption ingest` and checks its figures against the warehouse's.

Usage: python3 adoption_daily_pandas.py <drop dir> <products.json> <partner tenant id> <out.csv>
(Debian's python3-pandas: apt-get install python3-pandas)
"""
import glob
import json
import os
import sys

import pandas as pd

drop, products_file, partner_tenant, out = sys.argv[1:5]
WINDOW = 28
WORKLOADS = ["exchange", "sharepoint", "teams", "skype", "yammer", "copilot"]

# One row per product name an 'Assigned Products' string may hold; a name several SKUs share goes to the first.
rows, seen = [], set()
for p in json.load(open(products_file))["products"]:
    if p.get("excluded"):
        continue
    for alias in p.get("aliases", []):
        if alias.upper() in seen:
            continue
        seen.add(alias.upper())
        rows.append({"product": alias.upper(), "sku_id": p["skuId"].lower(), **{f"p_{w}": w in p["workloads"] for w in WORKLOADS}})
catalogue = pd.DataFrame(rows)


def tenant_of(path):
    return os.path.basename(os.path.dirname(path))


def in_window(dates, as_of):
    return (dates >= as_of - pd.Timedelta(days=WINDOW - 1)) & (dates <= as_of)


DATE_COLUMNS = {
    "exchange": "Exchange Last Activity Date",
    "onedrive": "OneDrive Last Activity Date",
    "sharepoint": "SharePoint Last Activity Date",
    "skype": "Skype For Business Last Activity Date",
    "yammer": "Yammer Last Activity Date",
    "teams": "Teams Last Activity Date",
}
frames = []
for f in glob.glob(os.path.join(drop, "tenants", "*", "office365ActiveUserDetail.csv")):
    df = pd.read_csv(f, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    df["customer_id"] = tenant_of(f)
    frames.append(df)
users = pd.concat(frames, ignore_index=True)
users["refresh"] = pd.to_datetime(users["Report Refresh Date"])
users["as_of"] = users.groupby("customer_id")["refresh"].transform("max")
for key, column in DATE_COLUMNS.items():
    users[f"w_{key}"] = in_window(pd.to_datetime(users[column], errors="coerce"), users["as_of"])
users["w_sharepoint"] = users["w_sharepoint"] | users["w_onedrive"]
users["deleted"] = users["Is Deleted"] == "True"

copilot_frames = []
for f in glob.glob(os.path.join(drop, "tenants", "*", "copilotUsageUserDetail.csv")):
    df = pd.read_csv(f, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    df["customer_id"] = tenant_of(f)
    copilot_frames.append(df[["customer_id", "User Principal Name", "Report Refresh Date", "Last Activity Date"]])
if copilot_frames:
    copilot = pd.concat(copilot_frames, ignore_index=True)
    as_of = pd.to_datetime(copilot["Report Refresh Date"])
    copilot["w_copilot"] = in_window(
        pd.to_datetime(copilot["Last Activity Date"], errors="coerce"), as_of.groupby(copilot["customer_id"]).transform("max")
    )
    users = users.merge(copilot[["customer_id", "User Principal Name", "w_copilot"]], how="left", on=["customer_id", "User Principal Name"])
users["w_copilot"] = users.get("w_copilot", False)
users["w_copilot"] = users["w_copilot"].fillna(False).astype(bool)

held = users.assign(product=users["Assigned Products"].str.split("+")).explode("product")
held["product"] = held["product"].str.strip().str.upper()
held = held.merge(catalogue, on="product", how="inner")
held["active"] = False
for w in WORKLOADS:
    held["active"] |= held[f"p_{w}"] & held[f"w_{w}"]
held["assigned"] = ~held["deleted"]
held["inactive_user"] = held["assigned"] & ~held["active"]
holders = held.groupby(["customer_id", "sku_id"], as_index=False).agg(
    licenses_assigned=("assigned", "sum"), active_entitlements=("active", "sum"), inactive=("inactive_user", "sum")
)

subs = []
for f in glob.glob(os.path.join(drop, "tenants", "*", "subscriptions.json")):
    for s in json.load(open(f, encoding="utf-8-sig")).get("value", []):
        counted = s.get("status") == "Enabled" and not s.get("isTrial")
        units = int(s.get("totalLicenses") or 0) if counted else 0
        subs.append(
            {
                "customer_id": tenant_of(f),
                "sku_id": str(s.get("skuId")).lower(),
                "licenses_sold": units,
                "licenses_sold_own": units if s.get("ownerTenantId") == partner_tenant else 0,
            }
        )
sold = pd.DataFrame(subs)
sold = sold[sold["sku_id"].isin(catalogue["sku_id"])].groupby(["customer_id", "sku_id"], as_index=False).sum()

daily = sold.merge(holders, on=["customer_id", "sku_id"], how="outer")
for c in ["licenses_sold", "licenses_sold_own", "licenses_assigned", "active_entitlements", "inactive"]:
    daily[c] = daily[c].fillna(0).astype("int64")
daily["entitlements"] = daily[["licenses_assigned", "licenses_sold"]].min(axis=1)
daily["deployment_pct"] = (daily["licenses_assigned"] / daily["licenses_sold"]).where(daily["licenses_sold"] > 0)
daily["usage_pct"] = (daily["active_entitlements"] / daily["entitlements"]).where(daily["entitlements"] > 0)
daily["unassigned"] = (daily["licenses_sold"] - daily["licenses_assigned"]).clip(lower=0)
daily.to_csv(out, index=False)
print(json.dumps({"rows": len(daily)}))
