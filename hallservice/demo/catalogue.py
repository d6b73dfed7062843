"""The demo catalogue: matters of the hall's departments with their required materials."""

from __future__ import annotations

from typing import NamedTuple

from hallservice.demo.staff import DISTRICT, FLOOR_NAMES, WH, WINDOWS
from hallservice.demo.writing import Tally, upsert
from requests.models import (
    HandlingType,
    Matter,
    RequiredMaterial,
    SubmissionForm,
)
from requests.services.catalogue import matter_save
from staff.models import Department, StaffMember

# --- Catalogue -----------------------------------------------------------------------------------------------
ORIGINAL = SubmissionForm.ORIGINAL
COPY = SubmissionForm.COPY
BOTH = SubmissionForm.ORIGINAL_AND_COPY
UPLOADED = SubmissionForm.UPLOADED
PLEDGE = SubmissionForm.PLEDGE

SELF = "申请人自备"
PRINT = "窗口领取，或可在一楼自助打印机打印"


class Material(NamedTuple):
    """One required material of a demo matter."""

    name: str
    how_to_obtain: str = SELF
    form: str = BOTH
    copies: int = 1
    waivable: bool = False


ID_CARD = Material("申请人居民身份证", SELF, BOTH)
BUSINESS_LICENCE = Material("营业执照", SELF, BOTH)
HUKOU = Material("居民户口簿", SELF, BOTH)

# A matter with time_limit_days 0 is settled on the spot (immediate); any other is pending.
MATTERS: list[dict] = [
    # 不动产登记中心
    {
        "code": "BDC-001",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "国有建设用地使用权及房屋所有权首次登记",
        "window": "A03",
        "legal_basis": "《不动产登记暂行条例》第十四条、第十六条；《不动产登记暂行条例实施细则》第三十五条",
        "process": [
            "申请人提交申请材料",
            "窗口受理并出具受理凭证",
            "登记机构审核、实地查看",
            "登簿并缮证",
            "领取不动产权证书",
        ],
        "time_limit_days": 5,
        "fees": "住宅80元/件，非住宅550元/件；每增加一本证书加收工本费10元",
        "materials": [
            Material("不动产登记申请书", PRINT, ORIGINAL),
            Material("申请人身份证明或营业执照", SELF, BOTH),
            Material("国有建设用地使用权不动产权证书", SELF, ORIGINAL),
            Material("建设工程符合规划的材料（规划核实证明）", "到自然资源和规划局开具", BOTH),
            Material("房屋已竣工的材料（竣工验收备案表）", "到住房和城乡建设局备案后领取", COPY, 1, True),
            Material("房地产调查或者测绘报告", "委托具备资质的测绘机构出具", ORIGINAL),
        ],
    },
    {
        "code": "BDC-002",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "国有建设用地使用权及房屋所有权转移登记（存量房买卖）",
        "window": "A03",
        "legal_basis": "《不动产登记暂行条例》第十四条；《不动产登记暂行条例实施细则》第三十八条",
        "process": [
            "买卖双方共同申请",
            "窗口受理，税务窗口同步申报税费",
            "登记机构审核",
            "登簿缮证",
            "领取证书或免费邮寄",
        ],
        "time_limit_days": 3,
        "fees": "住宅80元/件，非住宅550元/件（由买受人缴纳）",
        "materials": [
            Material("不动产登记申请书", PRINT, ORIGINAL),
            Material("买卖双方身份证明", SELF, BOTH),
            Material("不动产权证书", SELF, ORIGINAL),
            Material("存量房买卖合同", "可在网签系统打印", ORIGINAL, 2),
            Material("完税凭证", "税务窗口办理后当场出具", UPLOADED),
            Material("婚姻状况证明", "到婚姻登记机关查询或由申请人书面承诺", PLEDGE, 1, True),
        ],
    },
    {
        "code": "BDC-003",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "抵押权首次登记",
        "window": "A02",
        "legal_basis": "《中华人民共和国民法典》第四百零二条；《不动产登记暂行条例实施细则》第六十六条",
        "process": ["抵押人与抵押权人共同申请", "窗口受理", "审核", "登簿并发放不动产登记证明"],
        "time_limit_days": 3,
        "fees": "住宅80元/件，非住宅550元/件",
        "materials": [
            Material("不动产登记申请书", PRINT, ORIGINAL),
            Material("抵押人和抵押权人身份证明", SELF, BOTH),
            Material("不动产权证书", SELF, ORIGINAL),
            Material("主债权合同及抵押合同", "由贷款银行提供", ORIGINAL),
        ],
    },
    {
        "code": "BDC-004",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "抵押权注销登记",
        "window": "A02",
        "legal_basis": "《不动产登记暂行条例实施细则》第七十四条",
        "process": ["提交申请", "窗口受理并当场审核", "当场办结"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("不动产登记申请书", PRINT, ORIGINAL),
            Material("不动产登记证明（抵押）", SELF, ORIGINAL),
            Material("抵押权人同意注销的证明", "由贷款银行出具", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "BDC-005",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "不动产登记资料查询",
        "window": "A04",
        "legal_basis": "《不动产登记暂行条例》第二十七条；《不动产登记资料查询暂行办法》第十四条",
        "process": ["提交查询申请", "核验身份", "当场出具查询结果"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("不动产登记资料查询申请书", PRINT, ORIGINAL),
            ID_CARD,
            Material("授权委托书（委托查询时）", SELF, ORIGINAL, 1, True),
        ],
    },
    # 住房公积金管理中心
    {
        "code": "GJJ-001",
        "department": "GJJ",
        "main_item": "住房公积金提取",
        "sub_item": "购买自住住房提取",
        "window": "A05",
        "legal_basis": "《住房公积金管理条例》第二十四条",
        "process": ["提交提取申请", "窗口审核购房材料", "审批", "资金转入本人银行账户"],
        "time_limit_days": 3,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("购房合同或不动产权证书", SELF, BOTH),
            Material("购房发票或契税完税凭证", SELF, COPY, 1, True),
            Material("本人一类银行卡", SELF, ORIGINAL),
        ],
    },
    {
        "code": "GJJ-002",
        "department": "GJJ",
        "main_item": "住房公积金提取",
        "sub_item": "离退休提取",
        "window": "A05",
        "legal_basis": "《住房公积金管理条例》第二十四条第一款第（二）项",
        "process": ["提交申请", "窗口核验退休证明", "当场办结，资金转入本人账户"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("退休证或退休审批表", "由原单位或人社部门出具", BOTH),
            Material("本人一类银行卡", SELF, ORIGINAL),
        ],
    },
    {
        "code": "GJJ-003",
        "department": "GJJ",
        "main_item": "住房公积金提取",
        "sub_item": "租赁住房提取",
        "window": "A05",
        "legal_basis": "《住房公积金管理条例》第二十四条第一款第（一）项",
        "process": ["提交申请", "查询本人名下无自有住房", "当场办结"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("无房声明", PRINT, PLEDGE),
            Material("房屋租赁合同", SELF, COPY, 1, True),
        ],
    },
    {
        "code": "GJJ-004",
        "department": "GJJ",
        "main_item": "住房公积金个人住房贷款",
        "sub_item": "贷款申请",
        "window": "A06",
        "legal_basis": "《住房公积金管理条例》第二十六条",
        "process": ["提交贷款申请", "窗口受理", "贷款审批", "签订借款合同", "办理抵押登记", "放款"],
        "time_limit_days": 15,
        "fees": "不收费",
        "materials": [
            Material("借款人及配偶居民身份证", SELF, BOTH),
            Material("婚姻状况证明", "到婚姻登记机关查询或由申请人书面承诺", BOTH),
            Material("购房合同", SELF, ORIGINAL),
            Material("首付款发票或收据", "由开发企业或卖方出具", COPY),
            Material("借款人收入证明", "由所在单位出具", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "GJJ-005",
        "department": "GJJ",
        "main_item": "住房公积金缴存",
        "sub_item": "单位缴存登记",
        "window": "A06",
        "legal_basis": "《住房公积金管理条例》第十四条、第十五条",
        "process": ["单位提交缴存登记", "窗口审核", "当场开立单位住房公积金账户"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("住房公积金单位缴存登记表", PRINT, ORIGINAL),
            BUSINESS_LICENCE,
            Material("经办人居民身份证", SELF, BOTH),
        ],
    },
    # 市场监督管理局（商事登记）
    {
        "code": "SCJG-001",
        "department": "SCJG",
        "main_item": "企业开办",
        "sub_item": "有限责任公司设立登记",
        "window": "B02",
        "legal_basis": "《中华人民共和国公司法》第二十九条；《中华人民共和国市场主体登记管理条例》第十九条",
        "process": ["网上申报或窗口提交", "审核", "核发营业执照", "同步刻制公章、申领发票、社保登记"],
        "time_limit_days": 1,
        "fees": "不收费；首套公章由政府免费刻制",
        "materials": [
            Material("公司登记（备案）申请书", PRINT, ORIGINAL),
            Material("公司章程", SELF, ORIGINAL),
            Material("股东主体资格证明", SELF, COPY),
            Material("法定代表人、董事、监事和经理的任职文件及身份证明", SELF, COPY),
            Material("住所使用相关文件", "房产证明或租赁合同，亦可书面承诺", PLEDGE, 1, True),
        ],
    },
    {
        "code": "SCJG-002",
        "department": "SCJG",
        "main_item": "个体工商户登记",
        "sub_item": "个体工商户设立登记",
        "window": "B03",
        "legal_basis": "《促进个体工商户发展条例》第七条；《中华人民共和国市场主体登记管理条例》第十九条",
        "process": ["提交申请", "窗口审核", "当场核发营业执照"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("个体工商户登记（备案）申请书", PRINT, ORIGINAL),
            Material("经营者居民身份证", SELF, BOTH),
            Material("经营场所使用证明", "房产证明或租赁合同，亦可书面承诺", PLEDGE, 1, True),
        ],
    },
    {
        "code": "SCJG-003",
        "department": "SCJG",
        "main_item": "企业变更登记",
        "sub_item": "法定代表人变更登记",
        "window": "B02",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第二十四条",
        "process": ["提交变更申请", "审核", "换发营业执照"],
        "time_limit_days": 1,
        "fees": "不收费",
        "materials": [
            Material("公司登记（备案）申请书", PRINT, ORIGINAL),
            Material("股东会决议或决定", SELF, ORIGINAL),
            Material("新任法定代表人身份证明", SELF, COPY),
            Material("营业执照正副本", SELF, ORIGINAL),
        ],
    },
    {
        "code": "SCJG-004",
        "department": "SCJG",
        "main_item": "企业注销",
        "sub_item": "简易注销登记",
        "window": "B02",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第三十三条",
        "process": ["国家企业信用信息公示系统公示20日", "公示期满无异议后提交申请", "审核", "准予注销"],
        "time_limit_days": 3,
        "fees": "不收费",
        "materials": [
            Material("简易注销登记申请书", PRINT, ORIGINAL),
            Material("全体投资人承诺书", PRINT, PLEDGE),
            Material("营业执照正副本", SELF, ORIGINAL, 1, True),
        ],
    },
    {
        "code": "SCJG-005",
        "department": "SCJG",
        "main_item": "食品经营许可",
        "sub_item": "食品经营许可证核发",
        "window": "B04",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第二十五条",
        "process": ["提交申请", "窗口受理", "材料审查，必要时现场核查", "作出许可决定并发证"],
        "time_limit_days": 10,
        "fees": "不收费",
        "materials": [
            Material("食品经营许可申请书", PRINT, ORIGINAL),
            BUSINESS_LICENCE,
            Material("与食品经营相适应的主要设备设施布局、操作流程等文件", SELF, ORIGINAL),
            Material("食品安全管理制度", SELF, ORIGINAL, 1, True),
            Material("食品安全管理人员健康证明", "到具备资质的体检机构办理", COPY),
        ],
    },
    # 公安局（户政）
    {
        "code": "GA-001",
        "department": "GA",
        "main_item": "户口迁移",
        "sub_item": "投靠落户",
        "window": "A07",
        "legal_basis": "《中华人民共和国户口登记条例》第十三条；《河南省户口迁移登记管理规定》",
        "process": ["提交申请", "户政窗口审核", "审批", "签发准予迁入证明或办理落户"],
        "time_limit_days": 5,
        "fees": "不收费",
        "materials": [
            Material("户口迁移申请表", PRINT, ORIGINAL),
            Material("投靠人和被投靠人居民户口簿", SELF, BOTH),
            Material("投靠人和被投靠人居民身份证", SELF, BOTH),
            Material("亲属关系证明（结婚证或出生医学证明等）", "到户籍所在地派出所开具或申请人自备", BOTH),
            Material("合法稳定住所证明", "不动产权证书或租赁合同", COPY, 1, True),
        ],
    },
    {
        "code": "GA-002",
        "department": "GA",
        "main_item": "户口登记",
        "sub_item": "出生登记",
        "window": "A07",
        "legal_basis": "《中华人民共和国户口登记条例》第七条",
        "process": ["监护人提交申请", "核验出生医学证明", "当场登记并签发户口页"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("出生医学证明", "由出生医院签发", ORIGINAL),
            Material("父母双方居民户口簿", SELF, ORIGINAL),
            Material("父母双方居民身份证", SELF, ORIGINAL),
            Material("父母结婚证", SELF, COPY, 1, True),
        ],
    },
    {
        "code": "GA-003",
        "department": "GA",
        "main_item": "居民身份证",
        "sub_item": "居民身份证换领",
        "window": "A08",
        "legal_basis": "《中华人民共和国居民身份证法》第五条、第十一条",
        "process": ["现场采集人像和指纹", "窗口受理", "制证", "领取证件或免费邮寄"],
        "time_limit_days": 15,
        "fees": "工本费20元",
        "materials": [
            HUKOU,
            Material("原居民身份证", SELF, ORIGINAL),
        ],
    },
    {
        "code": "GA-004",
        "department": "GA",
        "main_item": "居民身份证",
        "sub_item": "临时居民身份证申领",
        "window": "A08",
        "legal_basis": "《中华人民共和国居民身份证法》第十二条；《临时居民身份证管理办法》第六条",
        "process": ["提交申请", "核验户籍信息", "当场制发临时居民身份证"],
        "time_limit_days": 0,
        "fees": "工本费10元",
        "materials": [
            HUKOU,
            Material("近期免冠彩色照片", "大厅一楼自助照相设备可拍摄", ORIGINAL, 2, True),
        ],
    },
    # 人力资源和社会保障局
    {
        "code": "RSJ-001",
        "department": "RSJ",
        "main_item": "社会保障卡",
        "sub_item": "补换卡",
        "window": "C03",
        "legal_basis": "《中华人民共和国社会保险法》第五十八条；《社会保障卡管理办法》",
        "process": ["挂失原卡", "现场采集照片", "即时制卡", "激活并领取新卡"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("社会保障卡（换卡时交回原卡）", SELF, ORIGINAL, 1, True),
        ],
    },
    {
        "code": "RSJ-002",
        "department": "RSJ",
        "main_item": "城乡居民养老保险",
        "sub_item": "参保登记",
        "window": "C02",
        "legal_basis": "《中华人民共和国社会保险法》第二十条、第二十二条；"
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        "process": ["填写参保登记表", "窗口核验", "当场完成参保登记"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("城乡居民基本养老保险参保登记表", PRINT, ORIGINAL),
            ID_CARD,
            HUKOU,
        ],
    },
    {
        "code": "RSJ-003",
        "department": "RSJ",
        "main_item": "城乡居民养老保险",
        "sub_item": "待遇申领",
        "window": "C02",
        "legal_basis": "《中华人民共和国社会保险法》第二十一条",
        "process": ["提交申领", "核定缴费年限和待遇标准", "公示", "次月起按月发放"],
        "time_limit_days": 10,
        "fees": "不收费",
        "materials": [
            Material("城乡居民基本养老保险待遇申领表", PRINT, ORIGINAL),
            ID_CARD,
            Material("本人社会保障卡", SELF, ORIGINAL, 1, True),
        ],
    },
    {
        "code": "RSJ-004",
        "department": "RSJ",
        "main_item": "就业创业",
        "sub_item": "就业创业证申领",
        "window": "C02",
        "legal_basis": "《中华人民共和国就业促进法》第三十五条；《就业服务与就业管理规定》第六十一条",
        "process": ["提交申请", "核验就业失业状态", "当场发放就业创业证（电子证）"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("近期免冠照片", "大厅一楼自助照相设备可拍摄", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "RSJ-005",
        "department": "RSJ",
        "main_item": "失业保险",
        "sub_item": "失业保险金申领",
        "window": "C02",
        "legal_basis": "《失业保险条例》第十四条、第十六条；《中华人民共和国社会保险法》第四十五条",
        "process": ["提交申领", "核定领取期限", "审核", "按月发放失业保险金"],
        "time_limit_days": 10,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("解除或终止劳动合同的证明", "由原用人单位出具", ORIGINAL),
            Material("本人社会保障卡", SELF, ORIGINAL, 1, True),
        ],
    },
    # 医疗保障局
    {
        "code": "YBJ-001",
        "department": "YBJ",
        "main_item": "医保",
        "sub_item": "异地就医备案",
        "window": "C04",
        "legal_basis": "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》"
        "（医保发〔2022〕22号）",
        "process": ["提交备案申请（也可通过国家医保服务平台办理）", "窗口核验", "当场完成备案"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("跨省异地就医登记备案表", PRINT, ORIGINAL),
            Material("医保电子凭证或社会保障卡", SELF, UPLOADED),
            Material("异地长期居住或工作证明", "由申请人书面承诺", PLEDGE, 1, True),
        ],
    },
    {
        "code": "YBJ-002",
        "department": "YBJ",
        "main_item": "医保",
        "sub_item": "城乡居民基本医疗保险参保登记",
        "window": "C04",
        "legal_basis": "《中华人民共和国社会保险法》第二十五条",
        "process": ["提交参保信息", "窗口核验", "当场完成参保登记"],
        "time_limit_days": 0,
        "fees": "不收费（个人缴费按当年度标准缴纳）",
        "materials": [
            ID_CARD,
            HUKOU,
        ],
    },
    {
        "code": "YBJ-003",
        "department": "YBJ",
        "main_item": "医保",
        "sub_item": "门诊慢特病待遇认定",
        "window": "C04",
        "legal_basis": "《医疗保障基金使用监督管理条例》第十五条；《河南省医疗保障局关于门诊慢特病管理的相关规定》",
        "process": ["提交申请", "组织专家鉴定", "公示认定结果", "开通门诊慢特病待遇"],
        "time_limit_days": 20,
        "fees": "不收费",
        "materials": [
            Material("门诊慢特病待遇认定申请表", PRINT, ORIGINAL),
            ID_CARD,
            Material("二级及以上医院出具的诊断证明", "到就诊医院开具", ORIGINAL),
            Material("近期检查报告及病历资料", "到就诊医院复印", COPY, 1, True),
        ],
    },
    {
        "code": "YBJ-004",
        "department": "YBJ",
        "main_item": "医保",
        "sub_item": "零星医疗费用报销",
        "window": "C04",
        "legal_basis": "《中华人民共和国社会保险法》第二十八条、第二十九条",
        "process": ["提交报销材料", "审核费用明细", "核定报销金额", "转入本人社会保障卡金融账户"],
        "time_limit_days": 20,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("医疗费用收据", "由就诊医院出具", ORIGINAL),
            Material("费用明细清单", "由就诊医院出具", ORIGINAL),
            Material("出院小结或门诊病历", "到就诊医院复印", COPY, 1, True),
            Material("本人社会保障卡", SELF, ORIGINAL),
        ],
    },
    # 税务局
    {
        "code": "SWJ-001",
        "department": "SWJ",
        "main_item": "税务",
        "sub_item": "个体工商户定期定额核定",
        "window": "B05",
        "legal_basis": "《中华人民共和国税收征收管理法》第三十五条；《个体工商户税收定期定额征收管理办法》第八条",
        "process": ["纳税人自行申报经营情况", "税务机关核定定额", "公示", "下达核定通知书"],
        "time_limit_days": 5,
        "fees": "不收费",
        "materials": [
            Material("个体工商户定期定额申报表", PRINT, ORIGINAL),
            BUSINESS_LICENCE,
            Material("经营者居民身份证", SELF, COPY),
        ],
    },
    {
        "code": "SWJ-002",
        "department": "SWJ",
        "main_item": "发票办理",
        "sub_item": "发票领用",
        "window": "B06",
        "legal_basis": "《中华人民共和国发票管理办法》第十五条",
        "process": ["提交领用申请", "核定发票种类和数量", "当场办结"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("经办人居民身份证", SELF, ORIGINAL),
            Material("发票专用章印模", SELF, ORIGINAL, 1, True),
        ],
    },
    {
        "code": "SWJ-003",
        "department": "SWJ",
        "main_item": "不动产交易税费",
        "sub_item": "存量房交易契税申报",
        "window": "A03",
        "legal_basis": "《中华人民共和国契税法》第三条、第九条",
        "process": ["与不动产登记同窗受理", "核定计税价格", "缴纳税款", "出具完税凭证"],
        "time_limit_days": 0,
        "fees": "不收费（契税按《中华人民共和国契税法》规定税率缴纳）",
        "materials": [
            Material("买卖双方身份证明", SELF, COPY),
            Material("存量房买卖合同", "可在网签系统打印", COPY),
            Material("家庭住房情况查询结果", "不动产登记资料查询窗口出具", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "SWJ-004",
        "department": "SWJ",
        "main_item": "社会保险费",
        "sub_item": "灵活就业人员社会保险费缴纳",
        "window": "B05",
        "legal_basis": "《中华人民共和国社会保险法》第六十条；《社会保险费征缴暂行条例》",
        "process": ["核对参保信息", "选择缴费档次", "当场缴费并出具缴费凭证"],
        "time_limit_days": 0,
        "fees": "不收费（社会保险费按选定档次缴纳）",
        "materials": [
            ID_CARD,
            Material("银行卡（委托扣款时）", SELF, ORIGINAL, 1, True),
        ],
    },
    # 民政局
    {
        "code": "MZJ-001",
        "department": "MZJ",
        "main_item": "婚姻登记",
        "sub_item": "内地居民结婚登记",
        "window": "C05",
        "legal_basis": "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》第四条、第五条",
        "process": ["双方共同到场申请", "签署声明", "婚姻登记员审查", "当场颁发结婚证"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("双方居民身份证", SELF, ORIGINAL),
            Material("双方居民户口簿", SELF, ORIGINAL, 1, True),
            Material("双方近期半身免冠合影照片", "可在婚姻登记处拍摄", ORIGINAL, 3),
            Material("申请结婚登记声明书", "窗口领取，在婚姻登记员面前签署", PLEDGE),
        ],
    },
    {
        "code": "MZJ-002",
        "department": "MZJ",
        "main_item": "婚姻登记",
        "sub_item": "补领结婚证",
        "window": "C05",
        "legal_basis": "《婚姻登记条例》第十七条",
        "process": ["提交申请", "查询婚姻登记档案", "当场补发结婚证"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("申请人居民身份证", SELF, ORIGINAL),
            Material("近期半身免冠合影照片", "可在婚姻登记处拍摄", ORIGINAL, 2),
            Material("婚姻登记档案查询证明", "档案不在本处时到原登记机关开具", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "MZJ-003",
        "department": "MZJ",
        "main_item": "社会救助",
        "sub_item": "最低生活保障审核确认",
        "window": "C06",
        "legal_basis": "《社会救助暂行办法》第十一条；《最低生活保障审核确认办法》第十四条",
        "process": ["向户籍所在地乡镇（街道）提出申请", "家庭经济状况调查核对", "民主评议并公示", "民政局审核确认"],
        "time_limit_days": 25,
        "fees": "不收费",
        "materials": [
            Material("最低生活保障申请书", PRINT, ORIGINAL),
            Material("家庭成员居民身份证和户口簿", SELF, COPY),
            Material("家庭经济状况核对授权书", PRINT, PLEDGE),
            Material("家庭收入及财产情况说明", SELF, PLEDGE, 1, True),
        ],
    },
    {
        "code": "MZJ-004",
        "department": "MZJ",
        "main_item": "残疾人两项补贴",
        "sub_item": "困难残疾人生活补贴申请",
        "window": "C06",
        "legal_basis": "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        "process": ["提交申请", "乡镇（街道）初审", "残联审核", "民政局审定并发放"],
        "time_limit_days": 20,
        "fees": "不收费",
        "materials": [
            Material("困难残疾人生活补贴申请审批表", PRINT, ORIGINAL),
            Material("第二代中华人民共和国残疾人证", SELF, BOTH),
            Material("最低生活保障证明", "由乡镇（街道）民政办开具", COPY, 1, True),
        ],
    },
    # 交通运输局
    {
        "code": "JTJ-001",
        "department": "JTJ",
        "main_item": "道路运输",
        "sub_item": "道路货物运输经营许可",
        "window": "B07",
        "legal_basis": "《中华人民共和国道路运输条例》第二十四条；《道路货物运输及站场管理规定》第八条",
        "process": ["提交申请", "窗口受理", "审查", "作出许可决定并发放道路运输经营许可证"],
        "time_limit_days": 10,
        "fees": "不收费",
        "materials": [
            Material("道路货物运输经营申请表", PRINT, ORIGINAL),
            Material("负责人身份证明", SELF, COPY),
            Material("机动车辆行驶证", SELF, COPY),
            Material("驾驶人员从业资格证", SELF, COPY, 1, True),
            Material("安全生产管理制度文本", SELF, ORIGINAL),
        ],
    },
    {
        "code": "JTJ-002",
        "department": "JTJ",
        "main_item": "道路运输",
        "sub_item": "道路运输证配发",
        "window": "B07",
        "legal_basis": "《中华人民共和国道路运输条例》第二十四条第三款",
        "process": ["提交车辆信息", "核验车辆技术等级", "当场配发道路运输证"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("道路运输经营许可证", SELF, COPY),
            Material("机动车辆行驶证", SELF, BOTH),
            Material("车辆综合性能检测报告", "到具备资质的机动车检验检测机构检测", ORIGINAL, 1, True),
        ],
    },
]


def _accepting_window(number: str) -> str:
    """How a matter names its window, e.g. "一楼A03 不动产综合窗口"."""
    _centre, _number, name, floor, _department, _help_desk = next(
        w for w in WINDOWS if w[0] == DISTRICT and w[1] == number
    )
    return f"{FLOOR_NAMES[floor]}{number} {name}"


def seed_catalogue(tally: Tally, departments: dict[str, Department], staff: dict[str, StaffMember]) -> None:
    # A matter's responsible helper is the first window helper of its department in the hall.
    contact = {}
    for member in staff.values():
        if member.kind == WH and member.centre.code == DISTRICT:
            contact.setdefault(member.department.code, member)
    for row in MATTERS:
        matter = Matter.objects.filter(code=row["code"]).first()
        tally.note("matters", matter is None)
        matter = matter or Matter(code=row["code"])
        helper = contact[row["department"]]
        matter.department = departments[row["department"]]
        matter.main_item = row["main_item"]
        matter.sub_item = row["sub_item"]
        matter.accepting_window = _accepting_window(row["window"])
        matter.legal_basis = row["legal_basis"]
        matter.process = "\n".join(f"{i}. {step}" for i, step in enumerate(row["process"], start=1))
        matter.time_limit_days = row["time_limit_days"]
        matter.handling_type = HandlingType.PENDING if row["time_limit_days"] else HandlingType.IMMEDIATE
        matter.fees = row["fees"]
        matter.contact_helper = helper
        matter.contact_phone = helper.phone
        matter.is_active = True
        matter = matter_save(matter=matter)
        for position, material in enumerate(row["materials"], start=1):
            upsert(
                RequiredMaterial,
                {"matter": matter, "name": material.name},
                {
                    "position": position,
                    "how_to_obtain": material.how_to_obtain,
                    "submission_form": material.form,
                    "copies": material.copies,
                    "tolerant_waivable": material.waivable,
                },
                tally,
                "materials",
            )
