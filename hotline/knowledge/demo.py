"""The demo city's knowledge base: made-up policies, procedures and utility answers for 海澄市, most of
them published (many public), with drafts in review, entries due for review or expiring, synonym groups,
some direct answers given from entries, and searches that found nothing. Nothing here is real data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hotline.demo.services import DemoContext
from hotline.directory.models import Division
from hotline.text.normalize import normalize
from hotline.workorders import services as wo

from . import services as kb
from .models import SearchSource, SynonymGroup, Visibility

PUBLIC, INTERNAL = Visibility.PUBLIC, Visibility.INTERNAL

# question, answer (HTML), keywords, synonyms, category (level 3), owning units, visibility
ENTRIES: list[tuple[str, str, str, str, str, list[str], str]] = [
    (
        "突然停水怎么办？",
        "<p>请先查看小区公告栏或“海澄水务”公众号是否发布了停水通知。计划停水会提前24小时公告。</p>"
        "<p>没有通知的突发停水，请拨打水务集团24小时供水服务热线 <strong>0990-96345</strong> 报修，"
        "抢修人员一般2小时内到场。</p>",
        "停水,报修,供水",
        "没水了,断水,不来水",
        "停水",
        ["U01"],
        PUBLIC,
    ),
    (
        "自来水发黄、有异味怎么处理？",
        "<p>管网维修或恢复供水后短时发黄属正常现象，打开水龙头放水3至5分钟即可。</p>"
        "<p>持续发黄、有异味时请停止饮用，拨打0990-96345申请免费水质检测，水务集团48小时内上门取样。</p>",
        "水质,发黄,异味",
        "水浑,水有味道",
        "水质",
        ["U01", "D03"],
        PUBLIC,
    ),
    (
        "高层住户水压不足找谁？",
        "<p>二次供水设施由物业或水务集团管理。先向物业确认加压泵是否运行；已移交水务集团的小区，"
        "由水务集团二次供水所处理。派单口径：承办单位为海澄水务集团，时限24小时。</p>",
        "水压,二次供水,加压泵",
        "水小,水压低",
        "水压不足",
        ["U01"],
        INTERNAL,
    ),
    (
        "人行道井盖丢失如何报修？",
        "<p>井盖缺失存在安全隐患，请在现场设置警示物（不要靠近），并拨打12345说明具体位置。"
        "市城市管理局接单后2小时内到场处置，24小时内补装。</p>",
        "井盖,窨井,报修",
        "井盖没了,下水道盖子",
        "井盖缺失",
        ["D02"],
        PUBLIC,
    ),
    (
        "下雨后路面严重积水怎么反映？",
        "<p>请说明积水的路段、路口和积水深度。汛期（5月至9月）市水务局排水管理处24小时值班，"
        "接单后组织疏通雨水口；涉及地下通道的，请勿涉水通行。</p>",
        "积水,排水,内涝",
        "水淹,路上有水",
        "道路积水",
        ["D03"],
        PUBLIC,
    ),
    (
        "小区物业不作为怎么投诉？",
        "<p>可先向业主委员会或物业服务企业书面反映；仍未解决的，由属地街道办事处和市住房和城乡建设局"
        "物业监管科督促整改。物业服务合同约定的服务内容可在小区公示栏查阅。</p>",
        "物业,物业服务,投诉",
        "物业不管事,物业公司",
        "物业服务",
        ["D01"],
        PUBLIC,
    ),
    (
        "电梯困人了怎么办？",
        "<p><strong>先安抚被困人员</strong>，请其按下轿厢内的紧急呼叫按钮，不要扒门。</p>"
        "<p>拨打电梯内张贴的维保单位电话；30分钟内无人到场或有人员不适，立即拨打119。"
        "事后可向市市场监督管理局特种设备科投诉维保单位。</p>",
        "电梯,困人,特种设备",
        "电梯坏了,关在电梯里",
        "电梯故障",
        ["D09"],
        PUBLIC,
    ),
    (
        "小区停车收费标准由谁定？",
        "<p>住宅小区停车服务费实行市场调节价，由物业与业主协商并在小区公示；"
        "涉及政府定价的公共停车场，收费标准以市发展改革部门公布的为准。答复时不对具体金额作承诺。</p>",
        "停车费,收费标准",
        "停车收费,车位费",
        "停车收费",
        ["D01"],
        INTERNAL,
    ),
    (
        "不动产权证（房产证）办理需要什么材料？",
        "<p>新建商品房首次登记：购房合同、购房发票、契税完税凭证、身份证件，到市不动产登记中心或"
        '各区分中心办理，办结时限5个工作日。</p><p>详见<a href="https://www.example.gov.cn/bdc">办事指南</a>。</p>',
        "不动产,房产证,登记",
        "房本,房产证办理",
        "房产证办理",
        ["D12"],
        PUBLIC,
    ),
    (
        "夜间施工噪声扰民怎么办？",
        "<p>夜间22时至次日6时禁止产生噪声的建筑施工，抢修、抢险和经批准的连续作业除外。"
        "请说明工地名称和位置，由市生态环境局执法支队现场核查，经批准的夜间作业可查询公示。</p>",
        "噪声,施工,夜间",
        "晚上施工,工地吵",
        "施工噪声",
        ["D04", "D01"],
        PUBLIC,
    ),
    (
        "楼下餐馆油烟扰民如何投诉？",
        "<p>餐饮单位应安装油烟净化设施并正常使用。请提供店名和地址，市生态环境局核查排放情况，"
        "住宅楼内新开油烟餐饮的，由市场监管部门核查经营许可。</p>",
        "油烟,餐饮,扰民",
        "饭店油烟,烧烤烟",
        "油烟扰民",
        ["D04"],
        PUBLIC,
    ),
    (
        "公交线路调整在哪里查询？",
        "<p>线路调整在实施前3天于“海澄公交”公众号、站台和车厢内公告。线路建议可通过12345提交，"
        "市交通运输局每季度汇总研究。</p>",
        "公交,线路,调整",
        "公交车改线,公交站",
        "公交线路",
        ["D05", "U04"],
        PUBLIC,
    ),
    (
        "路灯不亮向哪里报修？",
        "<p>请提供路名、灯杆编号（灯杆上的白色标牌）或附近门牌号。市政道路路灯由市城市管理局路灯所"
        "在48小时内修复；小区内路灯由物业负责。</p>",
        "路灯,照明,报修",
        "灯不亮,路灯坏了",
        "路灯不亮",
        ["D02"],
        PUBLIC,
    ),
    (
        "义务教育阶段入学学位怎么申请？",
        "<p>每年5月在“海澄教育”平台网上报名，6月公布学区划分和录取结果。需准备户口簿、"
        "房产证明或居住证。具体日程以当年招生公告为准。</p>",
        "入学,学位,招生",
        "上小学,报名上学",
        "学位申请",
        ["D06"],
        PUBLIC,
    ),
    (
        "孩子转学手续怎么办理？",
        "<p>在转入学校有空余学位的前提下，家长向转入学校提出申请，经转出学校和区教育局同意后，"
        "在学籍系统办理转学，一般在学期开学前两周内集中办理。</p>",
        "转学,学籍",
        "换学校",
        "转学",
        ["D06"],
        PUBLIC,
    ),
    (
        "校外培训机构退费难怎么办？",
        "<p>先与机构协商并保留合同、缴费凭证。协商不成的，可向市教育局校外教育培训监管科投诉，"
        "涉及预收费的同时向市场监管部门反映；金额较大的可申请仲裁或起诉。</p>",
        "培训,退费,校外",
        "补习班退钱,培训班跑路",
        "培训退费",
        ["D06", "D09"],
        PUBLIC,
    ),
    (
        "被拖欠工资怎么维权？",
        "<p>可向用工所在地的人力资源和社会保障部门劳动保障监察机构投诉，提供劳动合同、工资条、"
        "考勤记录等证据；也可申请劳动争议仲裁，仲裁不收费。农民工欠薪可拨打12345优先处理。</p>",
        "欠薪,工资,劳动监察",
        "不发工资,拖欠薪水,讨薪",
        "拖欠工资",
        ["D07"],
        PUBLIC,
    ),
    (
        "灵活就业人员社保怎么缴费？",
        "<p>持身份证到社保经办窗口或在“海澄人社”APP办理参保登记，可按上年度全市职工平均工资的"
        "60%至300%之间自选缴费基数，按月或按季度缴纳。</p>",
        "社保,灵活就业,缴费",
        "个人交社保,自由职业社保",
        "社保缴费",
        ["D07"],
        PUBLIC,
    ),
    (
        "养老金领取资格认证怎么做？",
        "<p>每年认证一次，可在“海澄人社”APP人脸识别认证，也可由社区工作人员上门认证。"
        "逾期未认证的暂停发放，认证后补发。</p>",
        "养老金,认证,退休",
        "退休金认证,刷脸认证",
        "养老金",
        ["D07"],
        PUBLIC,
    ),
    (
        "住房公积金提取需要什么条件和材料？",
        "<p>购买、建造、翻建自住住房，偿还住房贷款本息，租房，离退休等情形可申请提取。"
        "携带身份证和相关证明到市住房公积金管理中心窗口，或在网上服务大厅办理，当日到账。</p>",
        "公积金,提取",
        "取公积金,公积金提现,公积金取出来",
        "政策咨询",
        ["D15"],
        PUBLIC,
    ),
    (
        "公积金贷款额度怎么计算？",
        "<p>内部口径：额度按账户余额倍数、还款能力和房价比例三者取低，单人最高50万元，"
        "双职工最高70万元。具体以中心审核为准，不在电话中承诺额度。</p>",
        "公积金贷款,额度",
        "公积金能贷多少",
        "政策咨询",
        ["D15"],
        INTERNAL,
    ),
    (
        "医保异地就医怎么备案？",
        "<p>通过国家医保服务平台APP或市医疗保障局窗口办理异地就医备案，备案后在就医地定点医院"
        "直接结算；未备案的先行垫付，回参保地按规定报销。</p>",
        "医保,异地就医,备案",
        "外地看病报销,异地报销",
        "就医服务",
        ["D14"],
        PUBLIC,
    ),
    (
        "新生儿在哪里接种疫苗？",
        "<p>出生后在分娩医院接种乙肝疫苗和卡介苗，之后按户籍或居住地到社区卫生服务中心预防接种门诊建档，"
        "按免疫规划程序接种。请携带预防接种证。</p>",
        "疫苗,接种,新生儿",
        "打预防针,宝宝打疫苗",
        "疫苗接种",
        ["D08"],
        PUBLIC,
    ),
    (
        "预付卡商家关门跑路怎么办？",
        "<p>保留消费卡、合同和付款记录，向市市场监督管理局投诉；涉嫌诈骗的向公安机关报案。"
        "多人受损的可联合投诉，市场监管部门将汇总处理。</p>",
        "预付卡,退费,跑路",
        "会员卡退钱,健身卡跑路",
        "预付卡退费",
        ["D09"],
        PUBLIC,
    ),
    (
        "身份证丢了怎么补办？",
        "<p>本人携带户口簿到任一公安派出所户籍窗口或市民中心公安窗口办理，现场采集照片和指纹，"
        "工本费20元，约15个工作日可领取；急用可同时申领临时身份证。</p>",
        "身份证,补办,挂失",
        "身份证掉了,补身份证",
        "证件办理",
        ["D10"],
        PUBLIC,
    ),
    (
        "居住证办理需要什么条件？",
        "<p>在本市居住半年以上，且有合法稳定就业、合法稳定住所或连续就读之一的，可向居住地派出所申领。"
        "需提供身份证、照片和住所证明。</p>",
        "居住证,外来人口",
        "暂住证",
        "证件办理",
        ["D10"],
        PUBLIC,
    ),
    (
        "家里停电了怎么办？",
        "<p>先看邻居家是否也停电：只有自家停电请检查电表箱空气开关；片区停电可在“海澄供电”公众号"
        "查询计划停电，或拨打95598报修。</p>",
        "停电,报修,计划停电",
        "没电了,断电,跳闸",
        "停电",
        ["U02"],
        PUBLIC,
    ),
    (
        "燃气开户要带什么材料？",
        "<p>房屋产权证明（或购房合同）、户主身份证原件，到海澄燃气营业厅或在“海澄燃气”公众号预约办理，"
        "安检合格后开通。</p>",
        "燃气,开户,通气",
        "天然气开户,煤气开通",
        "燃气开户",
        ["U03"],
        PUBLIC,
    ),
    (
        "闻到燃气味怎么办？",
        "<p><strong>立即关闭燃气总阀，打开门窗通风，不要开关电器、不要打电话（到室外再打）。</strong></p>"
        "<p>到室外后拨打燃气抢修电话0990-96777；情况严重的立即拨打119。此类来电属紧急情况，应即时转接。</p>",
        "燃气泄漏,漏气,燃气味",
        "煤气味,天然气漏了",
        "燃气泄漏隐患",
        ["U03", "D09"],
        PUBLIC,
    ),
    (
        "消防通道被堵怎么处理？",
        "<p>内部口径：小区内消防通道被私家车占用，先由物业劝离；拒不整改的由属地街道和消防救援机构"
        "联合执法。火灾等紧急情况直接转119。</p>",
        "消防通道,占用",
        "消防车道堵了",
        "消防通道堵塞",
        ["D10"],
        INTERNAL,
    ),
    (
        "流动摊贩占道经营投诉怎么派单？",
        "<p>内部口径：按属地管理派街道办事处，城管局协办；学校、医院周边和主干道优先处置，"
        "时限5个工作日，回访时核实是否复发。</p>",
        "占道经营,摊贩",
        "小摊,乱摆摊",
        "占道经营",
        ["D02"],
        INTERNAL,
    ),
    (
        "违章搭建举报处理流程",
        "<p>内部口径：正在施工的违建由街道和城管局当日到场制止；已建成的按程序认定后限期拆除。"
        "举报人信息严格保密，不得透露给被举报人。</p>",
        "违建,违章搭建,举报",
        "乱搭乱建,楼顶加盖",
        "违章搭建",
        ["D02", "D12"],
        INTERNAL,
    ),
    (
        "怎么查询我反映的问题办到哪一步了？",
        "<p>凭受理时告知的工单编号和查询码，在海澄市12345网站“进度查询”或公众号中查询；"
        "也可再次拨打12345，由话务员查询并告知。</p>",
        "工单查询,进度",
        "查进度,问题办得怎么样",
        "窗口服务",
        ["C"],
        PUBLIC,
    ),
]

SYNONYMS = [
    "医保,医疗保险,医保卡",
    "公积金,住房公积金",
    "社保,社会保险",
    "房产证,不动产权证,房本",
    "燃气,煤气,天然气",
    "停电,断电,没电",
    "停水,断水,没水",
    "网约车,专车,滴滴",
]

GAPS = [("护照加急办理需要几天", 6), ("养犬登记在哪里办", 4), ("电动自行车上牌需要什么材料", 9)]


def _entry_input(
    ctx: DemoContext, row: tuple[str, str, str, str, str, list[str], str], **extra: Any
) -> kb.EntryInput:
    question, answer, keywords, synonyms, leaf, owners, visibility = row
    return kb.EntryInput(
        question=question,
        answer=answer,
        keywords=keywords,
        synonyms=synonyms,
        category=ctx.categories.get(leaf),
        owner_units=[ctx.units[code] for code in owners],
        visibility=visibility,
        **extra,
    )


def load(ctx: DemoContext) -> None:
    editor = ctx.users["supervisor1"]
    rng = ctx.rng
    for terms in SYNONYMS:
        SynonymGroup.objects.create(terms=terms)
    published = []
    for index, row in enumerate(ENTRIES):
        at = ctx.now - dt.timedelta(days=rng.randint(20, 160), hours=rng.randint(0, 8))
        cycle = 365 if row[6] == INTERNAL else 180
        if index == 8:  # 房产证: comes up for review in a few days
            cycle = (ctx.now - at).days + 4
        entry = kb.entry_create(actor=editor, data=_entry_input(ctx, row, review_cycle_days=cycle), now=at)
        published.append(kb.entry_publish(entry=entry, actor=editor, now=at))
    district = Division.objects.filter(name="东湖区").first()
    local = kb.entry_create(
        actor=ctx.users["donghu"],
        data=kb.EntryInput(
            question="东湖区垃圾分类定时定点投放时间",
            answer="<p>东湖区各小区早7:00—9:00、晚18:00—20:00定时定点投放，其他时间投放至小区误时投放点。</p>",
            keywords="垃圾分类,投放时间",
            synonyms="扔垃圾时间",
            category=ctx.categories.get("垃圾清运"),
            owner_units=[ctx.units["G01"]],
            divisions=[district] if district else [],
            visibility=PUBLIC,
        ),
        now=ctx.now - dt.timedelta(days=40),
        submit=True,
    )
    published.append(kb.entry_publish(entry=local, actor=editor, now=ctx.now - dt.timedelta(days=39)))
    seasonal = kb.entry_create(
        actor=editor,
        data=kb.EntryInput(
            question="2026年度冬季取暖补贴怎么申请？",
            answer="<p>低保、特困家庭于11月1日至12月5日向社区申报，经街道审核后随12月低保金发放。</p>",
            keywords="取暖补贴,冬季补贴",
            category=ctx.categories.get("政策咨询"),
            owner_units=[ctx.units["D11"]],
            visibility=PUBLIC,
            expires_on=(ctx.now + dt.timedelta(days=5)).date(),
        ),
        now=ctx.now - dt.timedelta(days=30),
    )
    kb.entry_publish(entry=seasonal, actor=editor, now=ctx.now - dt.timedelta(days=30))
    expired = kb.entry_create(
        actor=editor,
        data=kb.EntryInput(
            question="2026年夏季高温补贴发放标准",
            answer="<p>6月至9月，室外作业每人每月300元，室内非空调场所每人每月200元。</p>",
            keywords="高温补贴",
            category=ctx.categories.get("拖欠工资"),
            owner_units=[ctx.units["D07"]],
            visibility=PUBLIC,
            expires_on=(ctx.now - dt.timedelta(days=10)).date(),
        ),
        now=ctx.now - dt.timedelta(days=150),
    )
    kb.entry_publish(entry=expired, actor=editor, now=ctx.now - dt.timedelta(days=150))
    # work in progress: a submitted draft, a returned one, a plain draft
    kb.entry_create(
        actor=ctx.users["jiaotong"],
        data=kb.EntryInput(
            question="网约车乱收费怎么投诉？",
            answer="<p>保存行程单和支付记录，先通过平台客服投诉；7日内未处理的，向市交通运输局客运管理处投诉。</p>",
            keywords="网约车,乱收费",
            category=ctx.categories.get("非法营运"),
            visibility=PUBLIC,
        ),
        now=ctx.now - dt.timedelta(days=2),
        submit=True,
    )
    returned = kb.entry_create(
        actor=ctx.users["shichang"],
        data=kb.EntryInput(
            question="网购商品质量问题怎么投诉？",
            answer="<p>可向平台投诉。</p>",
            category=ctx.categories.get("商品质量"),
            visibility=PUBLIC,
        ),
        now=ctx.now - dt.timedelta(days=5),
        submit=True,
    )
    kb.entry_return(
        entry=returned,
        actor=editor,
        now=ctx.now - dt.timedelta(days=4),
        comment="请补充全国12315平台投诉渠道、处理时限和需要保留的证据。",
    )
    kb.entry_create(
        actor=ctx.users["gongdian"],
        data=kb.EntryInput(
            question="家里电压不稳、灯光忽明忽暗怎么办？",
            answer="<p>先检查家中大功率电器和线路；片区普遍电压不稳的，拨打95598，供电公司24小时内到场检测。</p>",
            category=ctx.categories.get("电压不稳"),
        ),
        now=ctx.now - dt.timedelta(days=1),
    )
    _direct_answers(ctx, published)
    for query, count in GAPS:
        for n in range(count):
            kb.record_gap(query=query, source=SearchSource.PANEL, now=ctx.now - dt.timedelta(days=n * 2 + 1))
    kb.review_sweep(now=ctx.now)


def _direct_answers(ctx: DemoContext, published: list[Any]) -> None:
    """A few calls answered at once from an entry (直办), as agents do from the console's panel."""
    agent = ctx.users["agent1"]
    rng = ctx.rng
    for n in range(18):
        entry = rng.choice(published[:20])
        version = entry.published
        at = ctx.now - dt.timedelta(days=rng.uniform(1, 28))
        order = wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="consult",
            title=normalize(version.question).rstrip("？?"),
            content=f"来电咨询：{version.question}",
            caller=wo.Caller(name="", phone=f"1390000{n:04d}"),
            category=version.category,
            location_text="",
            division=None,
            urgency="normal",
            now=at,
            accept=True,
        )
        wo.workorder_answer(
            order=order, actor=agent, answer=version.answer_text, now=at, knowledge_ref=entry.ref
        )
