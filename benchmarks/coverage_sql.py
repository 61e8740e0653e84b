"""Hand-written DuckDB SQL baselines for the coverage benchmarks (the same definitions as
cakupan.coverage, written directly against the warehouse tables)."""

CUBE = """
with p as (
  select nik, kpj, registered_date, segment, substr(village_code, 1, 4) as regency_code,
         greatest(year(registered_date) * 12 + month(registered_date) - 1, {lo}) as s,
         least(cast(substr(last_paid_month, 1, 4) as int) * 12
               + cast(substr(last_paid_month, 6, 2) as int) - 1, {hi}) as e,
         count(*) over (partition by nik) as n
  from participants
  where last_paid_month >= '{first}'
),
q as (select * from p where s <= e),
deltas as (
  select regency_code, segment, s as m, count(*) as d from q where n = 1 group by all
  union all
  select regency_code, segment, e + 1, -count(*) from q where n = 1 group by all
),
months as (select unnest(range({lo}, {hi} + 1)) as m),
singles as (
  select regency_code, segment, months.m, sum(d) as c
  from deltas join months on deltas.m <= months.m group by all
),
ranked as (
  select *, row_number() over (partition by nik order by registered_date desc, kpj desc) as r
  from q where n > 1
),
expanded as (select nik, r, regency_code, segment, unnest(range(s, e + 1)) as m from ranked),
several as (
  select regency_code, segment, m, count(*) as c from (
    select nik, m, arg_min(regency_code, r) as regency_code, arg_min(segment, r) as segment
    from expanded group by nik, m
  ) group by all
)
select regency_code, segment, m, sum(c)::bigint as participants
from (select * from singles union all select * from several)
group by all having sum(c) > 0
"""

PROVINCE = """
with a as (
  select nik, village_code, row_number() over (
           partition by nik order by registered_date desc, kpj desc) as r
  from participants
  where registered_date < date '{next_start}' and last_paid_month >= '{period}'
),
c as (select substr(village_code, 1, 2) as region_code, count(*) as participants
      from a where r = 1 group by 1),
w as (
  select region_code, employed, unemployed from workforce
  where employment_status is null and sector is null and length(region_code) = 2
    and period = (select max(period) from workforce w2 where w2.region_code = workforce.region_code
                  and w2.period <= '{period}' and w2.employment_status is null and w2.sector is null)
)
select coalesce(c.region_code, w.region_code) as region_code, coalesce(participants, 0) as participants,
       employed, unemployed
from c full join w on c.region_code = w.region_code order by 1
"""
