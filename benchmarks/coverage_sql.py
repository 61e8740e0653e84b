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

POTENTIAL = """
with a as (
  select p.nik, p.village_code, p.segment, row_number() over (
           partition by p.nik order by p.registered_date desc, p.kpj desc) as r
  from participants p
  where p.registered_date < date '{next_start}' and p.last_paid_month >= '{period}'
),
c as (select substr(village_code, 1, 4) as region_code,
             case when segment = 'PU' then 'PU' else 'INFORMAL' end as pool, count(*) as covered
      from a where r = 1 and segment <> 'PMI' group by all),
latest as (select region_code, max(period) as wp from workforce
           where employment_status is not null and period <= '{period}' and length(region_code) = 4
           group by 1),
w as (select w.region_code, case when employment_status in (3, 4) then 'PU' else 'INFORMAL' end as pool,
             sum(employed) as employed
      from workforce w join latest l on w.region_code = l.region_code and w.period = l.wp
      where employment_status is not null group by all)
select w.region_code, w.pool, w.employed, coalesce(c.covered, 0) as covered,
       w.employed - coalesce(c.covered, 0) as potential
from w left join c on w.region_code = c.region_code and w.pool = c.pool order by 1, 2
"""

FLOWS = """
with reg as (select strftime(registered_date, '%Y-%m') as period, count(*) as new from participants
             where strftime(registered_date, '%Y-%m') between '{first}' and '{last}' group by 1),
lap as (select strftime(strptime(last_paid_month || '-01', '%Y-%m-%d') + interval 1 month, '%Y-%m') as period,
               count(*) as lapsed from participants where last_paid_month is not null group by 1)
select coalesce(reg.period, lap.period) as period, coalesce(new, 0), coalesce(lapsed, 0)
from reg full join lap using (period)
where coalesce(reg.period, lap.period) between '{first}' and '{last}' order by 1
"""
